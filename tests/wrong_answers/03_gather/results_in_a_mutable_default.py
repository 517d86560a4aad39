"""Topic 03, wrong: gather_all collects into a mutable default list, so a second call returns the first call's results too."""

import asyncio


async def gather_all(jobs, results=[]):
    results.extend(await asyncio.gather(*(job() for job in jobs)))
    return list(results)


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))
