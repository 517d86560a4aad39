"""Topic 03, wrong: gather_settled puts a failed job's exception class (type(e)) in the list, not the exception."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    settled = await asyncio.gather(*(job() for job in jobs), return_exceptions=True)
    return [type(entry) if isinstance(entry, BaseException) else entry for entry in settled]


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))

