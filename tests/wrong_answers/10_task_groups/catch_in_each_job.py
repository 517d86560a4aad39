"""Each child catches its own job's error: the group never sees a failure, so nothing is cancelled."""

import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]


async def run_partial(jobs):
    report = [None] * len(jobs)

    async def one(i, job):
        try:
            report[i] = await job()
        except Exception as error:
            report[i] = error

    async with asyncio.TaskGroup() as tg:
        for i, job in enumerate(jobs):
            tg.create_task(one(i, job))
    return report


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
        pass
    return None


async def run_groups(groups, timeout):
    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(run_group(group)) for group in groups]
    return [task.result() for task in tasks]
