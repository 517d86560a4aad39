"""run_partial reports only the first failure of the ExceptionGroup: a second job failing at the same moment gets None."""

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
    first = None
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except* Exception as group:
        first = group.exceptions[0]  # only the first failure is reported; a second one, at the same moment, is lost
    results = []
    for task in tasks:
        if task.cancelled():
            results.append(None)
        elif task.exception() is not None:
            results.append(task.exception() if task.exception() is first else None)
        else:
            results.append(task.result())
    return results


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
