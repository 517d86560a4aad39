"""Shares the jobs out in advance: worker i runs jobs i, i+limit, i+2*limit, ... one after another."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    results = [None] * len(jobs)

    async def worker(first):
        for i in range(first, len(jobs), limit):
            results[i] = await jobs[i]()

    await asyncio.gather(*(worker(w) for w in range(limit)))
    return results
