"""run_all awaits its tasks in list order and cancels the others only when the one it awaits fails: a failure of a
later job goes unseen while an earlier one still runs."""
import asyncio


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    errors = []
    for i, t in enumerate(tasks):
        try:
            await t
        except Exception:
            for other in tasks:
                other.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            errors = [x.exception() for x in tasks if not x.cancelled() and x.exception()]
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
    raise AssertionError("unreachable")


async def run_groups(groups, timeout):
    async def one_group(jobs):
        try:
            return await run_all(jobs)
        except* Exception:
            return_none = True
        return None

    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one_group(g)) for g in groups]
    return [t.result() for t in tasks]
