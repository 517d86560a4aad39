# Correct: start_in_background lets the new task take its first step (await asyncio.sleep(0)) before handing it back; no time passes.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    task = asyncio.create_task(job())
    await asyncio.sleep(0)  # one turn of the loop: the job is now under way, but not waited for
    return task


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    tasks = {}
    for position, job in enumerate(jobs):
        tasks[position] = asyncio.create_task(job())
    if tasks:
        await asyncio.wait(tasks.values())
    return [tasks[position].result() for position in range(len(jobs))]


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        return done.pop().result()
    finally:
        losers = [task for task in tasks if task.cancel()]
        if losers:
            await asyncio.wait(losers)
