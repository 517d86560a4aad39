"""`except Exception:` around the TaskGroup catches the whole ExceptionGroup: every error is retried, then swallowed."""

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
    for attempt in range(attempts):
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(job()) for job in jobs]
            return [task.result() for task in tasks]
        except Exception as error:
            print(f"attempt {attempt + 1} failed: {error!r}; trying again")


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
