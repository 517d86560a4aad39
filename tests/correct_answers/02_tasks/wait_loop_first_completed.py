# Correct: run_all calls asyncio.wait(FIRST_COMPLETED) repeatedly until nothing is pending; first_finished picks the winner by job order.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    return asyncio.create_task(job(), name=f"background-{getattr(job, '__name__', 'job')}")


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    pending = set(tasks)
    while pending:
        _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(set(tasks), return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    while pending:
        _, pending = await asyncio.wait(pending)
    winner = next(task for task in tasks if task in done)
    return winner.result()
