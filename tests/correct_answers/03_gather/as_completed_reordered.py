# Correct: asyncio.as_completed over (index, result) wrappers, results written back into their slots.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def _indexed(i, job, seats=None, settle=False):
    try:
        if seats is None:
            return i, await job()
        async with seats:
            return i, await job()
    except Exception as error:
        if settle:
            return i, error
        raise


async def _collect(jobs, seats=None, settle=False):
    results = [None] * len(jobs)
    for next_done in asyncio.as_completed([_indexed(i, job, seats, settle) for i, job in enumerate(jobs)]):
        i, value = await next_done
        results[i] = value
    return results


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await _collect(jobs)


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    return await _collect(jobs, settle=True)


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    return await _collect(jobs, seats=asyncio.Semaphore(limit))
