# Correct: ensure_future + asyncio.wait(ALL_COMPLETED); gather_all raises the first failure (in job order) once all jobs are over.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def _finished(jobs, limit=None):
    seats = asyncio.Semaphore(limit) if limit else None

    async def run(job):
        if seats is None:
            return await job()
        async with seats:
            return await job()

    tasks = [asyncio.ensure_future(run(job)) for job in jobs]
    if tasks:
        await asyncio.wait(tasks)
    return tasks


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return [task.result() for task in await _finished(jobs)]  # .result() re-raises a job's exception


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    return [task.exception() if task.exception() is not None else task.result() for task in await _finished(jobs)]


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    return [task.result() for task in await _finished(jobs, limit)]
