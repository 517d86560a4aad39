"""gather_all returns the list of job() coroutines without running them."""

import asyncio


async def gather_all(jobs):
    return [job() for job in jobs]


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    slots = asyncio.Semaphore(limit)

    async def in_slot(job):
        async with slots:
            return await job()

    return await asyncio.gather(*(in_slot(job) for job in jobs))
