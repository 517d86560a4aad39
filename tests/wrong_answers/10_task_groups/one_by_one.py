"""Awaits each task as soon as it is created, and each group before starting the next: nothing overlaps."""

import asyncio


async def run_all(jobs):
    results = []
    async with asyncio.TaskGroup() as tg:
        for job in jobs:
            results.append(await tg.create_task(job()))
    return results


async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except* Exception:
        pass
    return [None if task.cancelled() else task.exception() or task.result() for task in tasks]


async def run_retrying(jobs, attempts):
    for attempt in range(1, attempts + 1):
        try:
            return await run_all(jobs)
        except* ValueError:
            if attempt == attempts:
                raise


async def run_group(jobs):
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
        return [task.result() for task in tasks]
    except* Exception:
        pass
    return None


async def run_groups(groups, timeout):
    results = []
    async with asyncio.timeout(timeout):
        for group in groups:
            results.append(await run_group(group))
    return results
