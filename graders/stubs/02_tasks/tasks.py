"""Topic 02: tasks — asyncio.create_task and asyncio.wait.

Each function receives jobs: async functions that take no arguments.
`job()` gives you a coroutine; `asyncio.create_task(job())` starts it as a task.

Fill in the TODOs, then check your work with:

    pytest exercises/02_tasks

Read README.md in this folder first.
"""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    # TODO: asyncio.create_task(...)
    raise NotImplementedError("start_in_background")


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    # TODO: create one task per job, await asyncio.wait(tasks), then read each task's result.
    raise NotImplementedError("run_all")


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others.

    If that first job failed, cancel the others all the same and raise its exception.
    """
    # TODO: asyncio.wait(..., return_when=asyncio.FIRST_COMPLETED), then cancel what is pending.
    raise NotImplementedError("first_finished")
