"""asyncio.create_task inside the TaskGroup's block: the tasks belong to no group, so a failure cancels nothing
and awaiting them one by one raises only the first error met, alone in the group's ExceptionGroup."""

import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [asyncio.create_task(job()) for job in jobs]
        results = [await t for t in tasks]
    return results

async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tasks.append(tg.create_task(job()))
    except* Exception:
        pass
    out = []
    for t in tasks:
        if t.cancelled():
            out.append(None)
        elif t.exception() is not None:
            out.append(t.exception())
        else:
            out.append(t.result())
    return out


async def run_retrying(jobs, attempts):
    for attempt in range(1, attempts + 1):
        retry = False
        try:
            return await run_all(jobs)
        except* ValueError:
            if attempt == attempts:
                raise
            retry = True
        assert retry


async def run_groups(groups, timeout):
    async def one_group(group):
        failed = False
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(job()) for job in group]
        except* Exception:
            failed = True
        return None if failed else [t.result() for t in tasks]

    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as outer:
            group_tasks = [outer.create_task(one_group(g)) for g in groups]
    return [t.result() for t in group_tasks]
