import asyncio


async def gather_all(jobs):
    results = await asyncio.gather(*(job() for job in jobs))
    return results[len(results)]
