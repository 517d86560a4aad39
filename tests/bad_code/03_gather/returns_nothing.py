import asyncio


async def gather_all(jobs):
    await asyncio.gather(*(job() for job in jobs))
