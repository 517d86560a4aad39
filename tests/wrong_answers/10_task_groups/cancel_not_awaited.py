"""`task.cancel()` on the jobs still running (after asyncio.wait, at a failure or at the deadline), without waiting
for them to end: they end only after the call has raised."""
import asyncio


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()  # asked to stop, but nobody waits for them to end
    errors = [task.exception() for task in done if task.exception() is not None]
    if errors:
        raise ExceptionGroup("jobs failed", errors)
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
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
        return [task.result() for task in tasks]
    except* Exception:
        pass
    return None


async def run_groups(groups, timeout):
    tasks = [asyncio.create_task(run_group(group)) for group in groups]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    if pending:
        for task in pending:
            task.cancel()
        raise TimeoutError
    return [task.result() for task in tasks]
