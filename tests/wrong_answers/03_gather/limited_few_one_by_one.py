"""Topic 03, wrong: gather_limited runs the jobs one after another when there are no more of them than seats."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(j() for j in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(j() for j in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    if len(jobs) <= limit:
        return [await j() for j in jobs]
    sem = asyncio.Semaphore(limit)

    async def one(job):
        async with sem:
            return await job()

    return await asyncio.gather(*(one(j) for j in jobs))

