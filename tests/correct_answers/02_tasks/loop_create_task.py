# Correct: loop.create_task via get_running_loop(); results read with `await task` after asyncio.wait; losers cancelled and gathered.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    loop = asyncio.get_running_loop()
    return loop.create_task(job())


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(job()) for job in jobs]
    if tasks:
        await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
    return [await task for task in tasks]


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return next(iter(done)).result()
