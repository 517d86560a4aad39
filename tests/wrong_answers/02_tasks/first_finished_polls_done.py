"""Topic 02, wrong: first_finished looks at its tasks' done() every 0.1 s instead of waiting on them."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    while not any(task.done() for task in tasks):
        await asyncio.sleep(0.1)
    for task in tasks:
        if not task.done():
            task.cancel()
    return next(task for task in tasks if task.done()).result()
