import asyncio


async def gather_all(jobs):
    while True:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            pass
