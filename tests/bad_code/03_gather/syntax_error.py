import asyncio


async def gather_all(jobs)
    return await asyncio.gather(*(job() for job in jobs))
