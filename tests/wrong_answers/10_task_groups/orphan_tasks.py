"""asyncio.create_task inside the TaskGroup's block: the tasks are not the group's, so nobody cancels them."""

import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [asyncio.create_task(job()) for job in jobs]
        results = [await task for task in tasks]
    return results


async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [asyncio.create_task(job()) for job in jobs]
            for task in tasks:
                await task
    except* Exception:
        pass
    return [None if not task.done() or task.cancelled() else task.exception() or task.result() for task in tasks]


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
        pass
    return None


async def run_groups(groups, timeout):
    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(run_group(group)) for group in groups]
    return [task.result() for task in tasks]
