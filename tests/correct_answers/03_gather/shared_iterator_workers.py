# Correct: `limit` worker coroutines share one enumerate() iterator (a plain for loop each); gather for the two easy parts.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    results = await asyncio.gather(*[jobs[i]() for i in range(len(jobs))])
    return list(results)


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    futures = [asyncio.ensure_future(job()) for job in jobs]
    return await asyncio.gather(*futures, return_exceptions=True)


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    results = {}
    shared = enumerate(jobs)

    async def worker():
        for i, job in shared:  # every worker takes the next job nobody took yet
            results[i] = await job()

    await asyncio.gather(*[worker() for _ in range(min(limit, len(jobs)))])
    return [results[i] for i in range(len(jobs))]
