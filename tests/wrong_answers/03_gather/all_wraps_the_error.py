"""Topic 03, wrong: gather_all catches a job's exception and raises a RuntimeError in its place."""

import asyncio


async def gather_all(jobs):
    try:
        return await asyncio.gather(*(job() for job in jobs))
    except Exception as error:
        raise RuntimeError(f"a job failed: {error}") from error


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))

