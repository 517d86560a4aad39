"""A second `except* Exception: pass` after `except* ValueError:` swallows the other errors, and the loop tries again."""
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
        except* Exception:
            pass  # other errors: ignored, and the next batch is tried


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
