"""Topic 10, wrong: run_groups lets the deadline through with `except* TimeoutError: raise`, which hands it on wrapped in an ExceptionGroup."""

import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]


def what_happened(task):
    if task.cancelled():
        return None
    return task.exception() or task.result()


async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except* Exception:
        pass  # each failure is reported in its job's place below
    return [what_happened(task) for task in tasks]


async def run_retrying(jobs, attempts):
    for attempt in range(1, attempts + 1):
        try:
            return await run_all(jobs)
        except* ValueError:
            if attempt == attempts:
                raise


async def run_group(jobs):
    try:
        return await run_all(jobs)
    except* Exception:
        pass  # the group failed: its other jobs were cancelled; the other groups go on
    return None


async def run_groups(groups, timeout):
    try:
        async with asyncio.timeout(timeout):
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(run_group(group)) for group in groups]
    except* TimeoutError:
        raise  # "let the deadline through"
    return [task.result() for task in tasks]
