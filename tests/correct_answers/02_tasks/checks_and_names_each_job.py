# Correct: checks that each job is an async function (inspect.iscoroutinefunction) and names each Task after its job's __name__.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

import asyncio
import inspect


def _checked(job):
    if not inspect.iscoroutinefunction(job):
        raise TypeError(f"expected an async function, got {job!r}")
    return job


async def start_in_background(job):
    return asyncio.create_task(_checked(job)(), name=f"background {job.__name__}")


async def run_all(jobs):
    tasks = [asyncio.create_task(_checked(job)(), name=job.__name__) for job in jobs]
    if tasks:
        await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(_checked(job)(), name=job.__qualname__) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return next(iter(done)).result()
