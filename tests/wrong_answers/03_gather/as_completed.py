"""Collects results with as_completed: concurrent, but in finishing order."""

import asyncio


async def gather_all(jobs):
    return [await done for done in asyncio.as_completed([job() for job in jobs])]


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_limited(jobs, limit):
    results = []
    for start in range(0, len(jobs), limit):
        results += await asyncio.gather(*(job() for job in jobs[start:start + limit]))
    return results
