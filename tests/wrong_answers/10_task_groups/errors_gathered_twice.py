"""Topic 10, wrong: run_all builds its ExceptionGroup by hand, from `done` and then from every Task, so each failure
is in it twice."""

import asyncio


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    await asyncio.wait(tasks)
    errors = [t.exception() for t in done if t.exception() is not None]
    # ... and again from all of them: a failure in `done` is counted twice
    errors += [t.exception() for t in tasks if not t.cancelled() and t.exception() is not None]
    if errors:
        raise ExceptionGroup("run_all failed", errors)
    return [t.result() for t in tasks]


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
