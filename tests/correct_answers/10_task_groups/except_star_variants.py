# Correct: TaskGroup, with the errors handled in other shapes: `except ExceptionGroup` with .split()
# in run_retrying, `except*` with a name in run_partial, a nested `async with` per group written inline
# in a helper, and asyncio.timeout_at with the loop's clock for the deadline.
"""Topic 10: task groups — structured concurrency and ExceptionGroup."""

import asyncio


async def run_all(jobs):
    tasks = []
    async with asyncio.TaskGroup() as group:
        for job in jobs:
            tasks.append(group.create_task(job()))
    return [t.result() for t in tasks]


async def run_partial(jobs):
    failures = {}
    tasks = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(job()) for job in jobs]
    except* Exception as failed:
        failures = {id(error): error for error in failed.exceptions}
    report = []
    for task in tasks:
        if task.cancelled():
            report.append(None)
        elif task.exception() is not None:
            report.append(failures.get(id(task.exception()), task.exception()))
        else:
            report.append(task.result())
    return report


async def run_retrying(jobs, attempts):
    attempt = 1
    while True:
        try:
            return await run_all(jobs)
        except ExceptionGroup as failed:
            value_errors, others = failed.split(ValueError)
            if others is not None:
                raise others from None
            if attempt == attempts:
                raise
        attempt += 1


async def run_groups(groups, timeout):
    async def one_group(jobs):
        results = None
        try:
            async with asyncio.TaskGroup() as inner:
                tasks = [inner.create_task(job()) for job in jobs]
            results = [t.result() for t in tasks]
        except* Exception:
            results = None
        return results

    deadline = asyncio.get_running_loop().time() + timeout
    async with asyncio.timeout_at(deadline):
        async with asyncio.TaskGroup() as outer:
            tasks = [outer.create_task(one_group(jobs)) for jobs in groups]
    return [t.result() for t in tasks]
