# Correct: asyncio.ensure_future to start tasks, a task->index dict to restore order, cancelled losers awaited until they are gone.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    return asyncio.ensure_future(job())


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    if not jobs:
        return []
    index_of = {asyncio.ensure_future(job()): i for i, job in enumerate(jobs)}
    done, _ = await asyncio.wait(index_of)
    results = [None] * len(jobs)
    for task in done:
        results[index_of[task]] = task.result()
    return results


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
    if pending:
        await asyncio.wait(pending)
    winner = min(done, key=tasks.index)
    return winner.result()
