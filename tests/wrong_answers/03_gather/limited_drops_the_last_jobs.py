"""Topic 03, wrong: gather_limited keeps a window of `limit` tasks but stops once the jobs list is used up, so the last window's results are lost."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    results = [None] * len(jobs)
    running = {}
    for i, job in enumerate(jobs):
        running[asyncio.create_task(job())] = i
        if len(running) == limit:
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                results[running.pop(task)] = task.result()
    return [result for result in results if result is not None]
