"""Topic 10, wrong: run_all gathers its jobs, so a failure cancels none of the others; run_groups, right in itself,
runs each group with that run_all, and a failed group's other jobs run on there too."""

import asyncio


async def run_all(jobs):
    try:
        return await asyncio.gather(*(job() for job in jobs))  # a failure cancels none of the others
    except Exception as error:
        raise ExceptionGroup("run_all failed", [error])


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
    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(run_group(group)) for group in groups]
    return [task.result() for task in tasks]
