"""Topic 10, wrong: after a failure, run_all, run_partial and run_retrying cancel the others and only yield once (asyncio.sleep(0)), never waiting for them to end."""

import asyncio


async def _settle(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    if not tasks:
        return tasks
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for t in pending:
        t.cancel()
    await asyncio.sleep(0)  # let the cancellations be delivered
    return tasks


def _report(t):
    if not t.done() or t.cancelled():
        return None
    return t.exception() if t.exception() is not None else t.result()


async def run_all(jobs):
    tasks = await _settle(jobs)
    errors = [t.exception() for t in tasks if t.done() and not t.cancelled() and t.exception() is not None]
    if errors:
        raise ExceptionGroup("run_all", errors)
    return [t.result() for t in tasks]


async def run_partial(jobs):
    tasks = await _settle(jobs)
    return [_report(t) for t in tasks]


async def run_retrying(jobs, attempts):
    for n in range(attempts):
        again = False
        try:
            return await run_all(jobs)
        except* ValueError:
            if n == attempts - 1:
                raise
            again = True


async def run_groups(groups, timeout):
    async def one(group):
        try:
            async with asyncio.TaskGroup() as inner:
                ts = [inner.create_task(job()) for job in group]
        except* Exception:
            pass
        else:
            return [t.result() for t in ts]
        return None

    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            ts = [tg.create_task(one(g)) for g in groups]
    return [t.result() for t in ts]
