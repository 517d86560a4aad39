"""`except ExceptionGroup` and `eg.subgroup(lambda e: not isinstance(e, ValueError))` to find other errors: the
condition holds for the group itself, so subgroup() returns the whole group and the batch is never retried."""

import asyncio


async def _supervise(jobs):
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    try:
        for fut in asyncio.as_completed(tasks):
            try:
                await fut
            except Exception:
                break
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return tasks


async def run_all(jobs):
    tasks = await _supervise(jobs)
    failures = [t.exception() for t in tasks if not t.cancelled() and t.exception()]
    if failures:
        raise ExceptionGroup("run_all", failures)
    return [t.result() for t in tasks]


async def run_partial(jobs):
    tasks = await _supervise(jobs)
    report = []
    for t in tasks:
        if t.cancelled():
            report.append(None)
        else:
            exc = t.exception()
            report.append(exc if exc is not None else t.result())
    return report


async def run_retrying(jobs, attempts):
    last = None
    for _ in range(attempts):
        try:
            return await run_all(jobs)
        except ExceptionGroup as eg:
            if eg.subgroup(lambda e: not isinstance(e, ValueError)) is not None:
                raise
            last = eg
    raise last


async def run_groups(groups, timeout):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout

    async def guarded(group):
        try:
            return await run_all(group)
        except* Exception:
            pass
        return None

    async with asyncio.timeout_at(deadline):
        async with asyncio.TaskGroup() as tg:
            ts = [tg.create_task(guarded(g)) for g in groups]
    return [t.result() for t in ts]
