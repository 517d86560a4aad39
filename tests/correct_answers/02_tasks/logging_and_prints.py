# Correct: the usual create_task + asyncio.wait solution with logging.getLogger(__name__).warning(...) and print() calls inside.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    task = asyncio.create_task(job())
    print("started", task.get_name())
    logger.warning("started %s in the background", task.get_name())
    return task


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    print(f"run_all: {len(tasks)} tasks started")
    if tasks:
        done, pending = await asyncio.wait(tasks)
        logger.warning("run_all: %d done, %d pending", len(done), len(pending))
    results = [task.result() for task in tasks]
    print("run_all results:", results)
    return results


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    logger.warning("first_finished: %d done, cancelling %d", len(done), len(pending))
    for task in pending:
        print("cancelling", task.get_name())
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    result = done.pop().result()
    print("first_finished:", result)
    return result
