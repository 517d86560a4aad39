import asyncio


async def gather_all(jobs):
    await asyncio.Event().wait()
