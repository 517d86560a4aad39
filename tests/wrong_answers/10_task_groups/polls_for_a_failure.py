"""Topic 10, wrong: run_all looks at its tasks every 0.5 s (`asyncio.sleep` in a loop), so it notices a failure, and the end, late."""

import asyncio


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        while not all(t.done() for t in tasks):
            if any(t.done() and not t.cancelled() and t.exception() for t in tasks):
                break
            await asyncio.sleep(0.5)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    errors = [t.exception() for t in tasks if not t.cancelled() and t.exception()]
    if errors:
        raise ExceptionGroup("jobs failed", errors)
    return [t.result() for t in tasks]


async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except* Exception:
        pass
    return [None if t.cancelled() else t.exception() or t.result() for t in tasks]


async def run_retrying(jobs, attempts):
    for attempt in range(attempts):
        try:
            return await run_all(jobs)
        except* ValueError:
            if attempt == attempts - 1:
                raise


async def run_groups(groups, timeout):
    async def one(group):
        failed = False
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(job()) for job in group]
        except* Exception:
            failed = True
        return None if failed else [t.result() for t in tasks]

    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one(g)) for g in groups]
    return [t.result() for t in tasks]
