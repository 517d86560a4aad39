# Correct: tasks created inside an asyncio.TaskGroup, and asyncio.wait used inside the group to wait for them.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    return asyncio.create_task(job())


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    if not jobs:
        return []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(job()) for job in jobs]
            await asyncio.wait(tasks)
    except BaseExceptionGroup as group_error:
        raise group_error.exceptions[0] from None  # a job failed: raise its own exception
    return [task.result() for task in tasks]


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(job()) for job in jobs]
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
    except BaseExceptionGroup as group_error:
        raise group_error.exceptions[0] from None  # the first job failed: raise its own exception
    # leaving the group waited for the cancelled tasks to finish
    return done.pop().result()
