"""run_all starts its jobs with asyncio.create_task inside the TaskGroup: they belong to no group, so a failure cancels none of them, here and in run_groups, which runs each group with run_all."""

import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [asyncio.create_task(job()) for job in jobs]
        results = await asyncio.gather(*tasks)
    return list(results)


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
        try:
            return await run_all(jobs)
        except* ValueError:
            if attempt == attempts:
                raise


async def run_groups(groups, timeout):
    async def one_group(jobs):
        failed = False
        try:
            return await run_all(jobs)
        except* Exception:
            failed = True
        return None

    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one_group(g)) for g in groups]
    return [t.result() for t in tasks]
