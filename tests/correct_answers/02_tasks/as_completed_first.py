# Correct: first_finished takes the first result from asyncio.as_completed, then cancels every other task.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    task = asyncio.create_task(job())
    return task


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    tasks = []
    for job in jobs:
        tasks.append(asyncio.create_task(job()))
    if tasks:
        done, pending = await asyncio.wait(tasks)
        assert not pending
    return [task.result() for task in tasks]


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        for earliest in asyncio.as_completed(tasks):
            return await earliest
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
