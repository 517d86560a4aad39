# Correct: tasks are created from the last job to the first, and results are put back in job order by reversing.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    return asyncio.create_task(job())


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    backwards = [asyncio.create_task(job()) for job in reversed(jobs)]
    if backwards:
        await asyncio.wait(backwards)
    return [task.result() for task in reversed(backwards)]


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    backwards = [asyncio.create_task(job()) for job in jobs[::-1]]
    done, pending = await asyncio.wait(backwards, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    (winner, *_) = done
    return winner.result()
