"""Creates the semaphore but never uses it: every job runs at once."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    semaphore = asyncio.Semaphore(limit)
    return await asyncio.gather(*(job() for job in jobs))
