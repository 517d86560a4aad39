"""Topic 03, wrong: gather_settled turns a job's falsy result (0, "", False) into None."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    settled = await asyncio.gather(*(job() for job in jobs), return_exceptions=True)
    return [entry if entry else None for entry in settled]


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))
