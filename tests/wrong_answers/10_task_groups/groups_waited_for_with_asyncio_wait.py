"""Topic 10, wrong: run_groups runs each group with asyncio.wait under one wait_for; at the deadline the waits are cancelled, and the jobs they waited for run on."""

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


async def group_by_wait(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    if any(task.exception() is not None for task in done):
        return None
    return [task.result() for task in tasks]


async def run_groups(groups, timeout):
    # wait_for cancels the gather at the deadline, and the gather each group_by_wait: cancelled inside
    # asyncio.wait, they let go of their jobs, which run on.
    return await asyncio.wait_for(asyncio.gather(*(group_by_wait(group) for group in groups)), timeout)
