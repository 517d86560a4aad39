# Correct: first_finished resolves a future from the first task's done-callback, then cancels the rest.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    coro = job()
    return asyncio.create_task(coro)


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    tasks = tuple(asyncio.create_task(job()) for job in jobs)
    if not tasks:
        return []
    await asyncio.wait(set(tasks))
    return list(map(asyncio.Task.result, tasks))


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    loop = asyncio.get_running_loop()
    first = loop.create_future()

    def on_done(task):
        if not first.done():
            first.set_result(task)

    tasks = [asyncio.create_task(job()) for job in jobs]
    for task in tasks:
        task.add_done_callback(on_done)
    try:
        winner = await first
    finally:
        for task in tasks:
            task.remove_done_callback(on_done)
            task.cancel()
    others = [task for task in tasks if task is not winner]
    if others:
        await asyncio.wait(others)
    return winner.result()
