"""run_all takes a lone failure out of the ExceptionGroup and raises it bare: the caller gets a JobFailed when one
job fails and an ExceptionGroup when several do."""
import asyncio


async def run_all(jobs):
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except ExceptionGroup as eg:
        if len(eg.exceptions) == 1:
            raise eg.exceptions[0] from None
        raise
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

    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one(g)) for g in groups]
    return [t.result() for t in tasks]
