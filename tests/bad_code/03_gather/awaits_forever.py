import asyncio


async def gather_all(jobs):
    while True:
        await asyncio.sleep(1)
