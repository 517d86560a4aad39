"""Topic 10, wrong: run_retrying retries on `except Exception`, a JobFailed too; its run_all looks at its tasks every 0.01 s, and may cancel a job at the very moment it would fail."""

import asyncio


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        while not all(t.done() for t in tasks):
            if any(t.done() and not t.cancelled() and t.exception() for t in tasks):
                break
            await asyncio.sleep(0.01)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    errors = [t.exception() for t in tasks if not t.cancelled() and t.exception()]
    if errors:
        raise ExceptionGroup("failed", errors)
    return [t.result() for t in tasks]


async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tasks.append(tg.create_task(job()))
    except* Exception:
        pass
    return [None if t.cancelled() else t.exception() or t.result() if t.exception() else t.result() for t in tasks]


async def run_retrying(jobs, attempts):
    for attempt in range(attempts):
        try:
            return await run_all(jobs)
        except Exception:
            if attempt == attempts - 1:
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
