"""run_partial reports a cancelled job by its CancelledError object instead of None."""

import asyncio

async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(j()) for j in jobs]
    return [t.result() for t in tasks]


async def run_partial(jobs):
    out = [None] * len(jobs)

    async def rec(i, j):
        try:
            out[i] = await j()
        except BaseException as e:
            out[i] = e
            raise

    try:
        async with asyncio.TaskGroup() as tg:
            for i, j in enumerate(jobs):
                tg.create_task(rec(i, j))
    except* Exception:
        pass
    return out


async def run_retrying(jobs, attempts):
    for attempt in range(1, attempts + 1):
        try:
            return await run_all(jobs)
        except* ValueError:
            if attempt == attempts:
                raise


async def _group(jobs):
    failed = False
    try:
        async with asyncio.TaskGroup() as tg:
            ts = [tg.create_task(j()) for j in jobs]
    except* Exception:
        failed = True
    return None if failed else [t.result() for t in ts]


async def run_groups(groups, timeout):
    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            ts = [tg.create_task(_group(g)) for g in groups]
    return [t.result() for t in ts]

