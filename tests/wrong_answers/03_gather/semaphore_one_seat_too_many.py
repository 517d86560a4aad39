"""Topic 03, wrong: gather_limited gives its Semaphore one seat too many, `Semaphore(limit + 1)`."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    slots = asyncio.Semaphore(limit + 1)

    async def in_slot(job):
        async with slots:
            return await job()

    return await asyncio.gather(*(in_slot(job) for job in jobs))
