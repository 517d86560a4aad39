"""Topic 03, wrong: gather_all runs its jobs behind a Semaphore(2) of its own, two at a time, though no limit
was asked for."""

import asyncio


async def gather_all(jobs):
    seats = asyncio.Semaphore(2)  # "to be gentle": but gather_all has no limit to keep

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    slots = asyncio.Semaphore(limit)

    async def in_slot(job):
        async with slots:
            return await job()

    return await asyncio.gather(*(in_slot(job) for job in jobs))
