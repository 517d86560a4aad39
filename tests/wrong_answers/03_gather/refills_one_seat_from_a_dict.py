"""Topic 03, wrong: gather_limited keeps its running tasks in a dict and starts one new job per wake of asyncio.wait, however many ended."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    results = [None] * len(jobs)
    running = {}
    nxt = 0
    while nxt < len(jobs) and len(running) < limit:
        running[asyncio.create_task(jobs[nxt]())] = nxt
        nxt += 1
    while running:
        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            results[running.pop(task)] = task.result()
        if nxt < len(jobs):  # one seat refilled, however many freed
            running[asyncio.create_task(jobs[nxt]())] = nxt
            nxt += 1
    return results
