# Correct: create_task in a loop + asyncio.wait(FIRST_EXCEPTION); the limit acquires a seat BEFORE creating each task.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def _wait_in_order(tasks):
    """Wait for all tasks (stop early if one fails) and return their results in list order."""
    if not tasks:
        return []
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()
    return [task.result() for task in tasks]


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    tasks = []
    for job in jobs:
        tasks.append(asyncio.create_task(job()))
    return await _wait_in_order(tasks)


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    tasks = []
    for job in jobs:
        tasks.append(asyncio.create_task(job()))
    if tasks:
        await asyncio.wait(tasks)
    results = []
    for task in tasks:
        error = task.exception()
        results.append(error if error is not None else task.result())
    return results


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    seats = asyncio.Semaphore(limit)

    async def run_then_free(job):
        try:
            return await job()
        finally:
            seats.release()

    tasks = []
    for job in jobs:
        await seats.acquire()  # wait for a free seat, then start the next job at once
        tasks.append(asyncio.create_task(run_then_free(job)))
    return await _wait_in_order(tasks)
