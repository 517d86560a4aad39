"""run_groups keeps its one deadline inside the outer TaskGroup's block (`async with asyncio.timeout(...)` around a
wait there): the TimeoutError reaches the caller wrapped in an ExceptionGroup."""
import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(job()) for job in jobs]
    return [t.result() for t in tasks]


async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tasks.append(tg.create_task(job()))
    except* Exception:
        pass
    return [None if t.cancelled() else (t.exception() or t.result()) for t in tasks]


async def run_retrying(jobs, attempts):
    for n in range(attempts):
        try:
            return await run_all(jobs)
        except* ValueError:
            if n == attempts - 1:
                raise


async def run_groups(groups, timeout):
    async def one(group):
        try:
            return await run_all(group)
        except* Exception:
            pass
        return None

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(g)) for g in groups]
        if tasks:
            async with asyncio.timeout(timeout):
                await asyncio.wait(tasks)
    return [t.result() for t in tasks]