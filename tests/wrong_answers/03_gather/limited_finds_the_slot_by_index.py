"""Topic 03, wrong: gather_limited puts each result at jobs.index(job), so a job that is in the list twice fills only its first place."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)
    results = [None] * len(jobs)

    async def seated(job):
        async with seats:
            results[jobs.index(job)] = await job()

    await asyncio.gather(*(seated(job) for job in jobs))
    return results
