"""Topic 03, wrong: gather_limited fills a results list kept at module level, so a second call returns the first call's results too."""

import asyncio

results = []


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)
    start = len(results)
    results.extend([None] * len(jobs))

    async def seated(i, job):
        async with seats:
            results[start + i] = await job()

    await asyncio.gather(*(seated(i, job) for i, job in enumerate(jobs)))
    return list(results)
