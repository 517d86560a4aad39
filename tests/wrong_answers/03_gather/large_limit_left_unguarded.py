"""Topic 03, wrong: gather_limited takes a limit of 5 or more for room enough and runs every job at once."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    if limit >= 5:  # "plenty of room": but the limit holds whatever its size
        return await asyncio.gather(*(job() for job in jobs))
    slots = asyncio.Semaphore(limit)

    async def in_slot(job):
        async with slots:
            return await job()

    return await asyncio.gather(*(in_slot(job) for job in jobs))
