"""Topic 10, wrong: when every batch fails, run_retrying raises one ExceptionGroup of the ValueErrors of all the batches."""

import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(job()) for job in jobs]
    return [t.result() for t in tasks]


async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except* Exception:
        pass
    return [None if t.cancelled() else (t.exception() if t.exception() is not None else t.result()) for t in tasks]


async def run_retrying(jobs, attempts):
    errors = []
    for n in range(attempts):
        again = False
        try:
            return await run_all(jobs)
        except* ValueError as eg:
            errors.extend(eg.exceptions)
            again = True
    raise ExceptionGroup(f"all {attempts} attempts failed", errors)


async def run_groups(groups, timeout):
    async def one(group):
        try:
            return await run_all(group)
        except* Exception:
            pass
        return None

    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            ts = [tg.create_task(one(g)) for g in groups]
    return [t.result() for t in ts]
