"""Splits the jobs into one contiguous chunk per worker, each worked through in order."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    size = -(-len(jobs) // limit)

    async def worker(chunk):
        return [await job() for job in chunk]

    chunks = await asyncio.gather(*(worker(jobs[i:i + size]) for i in range(0, len(jobs), size)))
    return [result for chunk in chunks for result in chunk]
