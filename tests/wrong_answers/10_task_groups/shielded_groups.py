"""Topic 10, wrong: run_groups awaits each group through asyncio.shield inside asyncio.timeout: the deadline
fires, but cancels only the shields, and the groups run on."""

import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]


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
        return await run_all(jobs)
    except* Exception:
        pass  # the group failed: the other groups go on
    return None


async def run_groups(groups, timeout):
    tasks = [asyncio.create_task(run_group(group)) for group in groups]
    async with asyncio.timeout(timeout):
        return [await asyncio.shield(task) for task in tasks]  # "so that a slow group is not cut off"
