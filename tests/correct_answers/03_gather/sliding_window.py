# Correct: sliding window: keep `limit` tasks running, refill with asyncio.wait(FIRST_COMPLETED) each time one finishes.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await gather_limited(jobs, max(1, len(jobs)))


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    await asyncio.gather(*tasks, return_exceptions=True)
    return [task.exception() or task.result() for task in tasks]


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    tasks = [None] * len(jobs)
    upcoming = iter(range(len(jobs)))
    running = set()

    def start_next():
        i = next(upcoming, None)
        if i is not None:
            tasks[i] = asyncio.create_task(jobs[i]())
            running.add(tasks[i])

    for _ in range(min(limit, len(jobs))):
        start_next()
    try:
        while running:
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                running.discard(task)
                task.result()  # a failure propagates at once
                start_next()
    finally:
        for task in running:
            task.cancel()
    return [task.result() for task in tasks]
