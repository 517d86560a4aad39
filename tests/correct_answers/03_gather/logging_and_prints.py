# Correct: the gather / semaphore solution with logging.getLogger(__name__).warning(...) and print() inside the coroutines.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio
import logging

log = logging.getLogger(__name__)


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    print(f"gather_all: starting {len(jobs)} jobs")
    results = await asyncio.gather(*(job() for job in jobs))
    log.warning("gather_all finished: %r", results)
    return results


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    results = await asyncio.gather(*(job() for job in jobs), return_exceptions=True)
    for i, r in enumerate(results):
        if isinstance(r, BaseException):
            log.warning("job %d failed: %r", i, r)
            print("job", i, "failed:", r)
    return results


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    semaphore = asyncio.Semaphore(limit)

    async def one(i, job):
        async with semaphore:
            print(f"job {i} gets a seat")
            log.warning("job %d starts (limit %d)", i, limit)
            try:
                return await job()
            finally:
                print(f"job {i} frees its seat")

    return await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs)))
