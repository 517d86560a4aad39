"""Topic 10, wrong: run_retrying makes the jobs' coroutines once, before its loop, and hands the same ones to
the next batch: a coroutine that has run cannot run again (RuntimeError)."""

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
    coroutines = [job() for job in jobs]  # made once, awaited again on a retry
    for attempt in range(1, attempts + 1):
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(coroutine) for coroutine in coroutines]
            return [task.result() for task in tasks]
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
    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(run_group(group)) for group in groups]
    return [task.result() for task in tasks]
