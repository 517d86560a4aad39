"""run_groups catches `except* BaseException` in each group and raises again when it holds a CancelledError: the
cancellation comes out wrapped in a BaseExceptionGroup, and the deadline never becomes TimeoutError."""
import asyncio
import contextlib


async def run_all(jobs):
    results = {}

    async def keep(i, job):
        results[i] = await job()

    async with contextlib.AsyncExitStack() as stack:
        tg = await stack.enter_async_context(asyncio.TaskGroup())
        for i, job in enumerate(jobs):
            tg.create_task(keep(i, job))
    return [results[i] for i in range(len(jobs))]


async def run_partial(jobs):
    _MISSING = object()
    outcome = [_MISSING] * len(jobs)

    async def keep(i, job):
        try:
            outcome[i] = await job()
        except asyncio.CancelledError:
            outcome[i] = None
            raise
        except Exception as exc:
            outcome[i] = exc
            raise

    try:
        async with asyncio.TaskGroup() as tg:
            for i, job in enumerate(jobs):
                tg.create_task(keep(i, job))
    except* Exception:
        pass
    return [None if o is _MISSING else o for o in outcome]


async def run_retrying(jobs, attempts):
    attempt = 0
    while True:
        attempt += 1
        retry = False
        try:
            return await run_all(jobs)
        except* ValueError:
            if attempt >= attempts:
                raise
            retry = True
        # a non-ValueError part left the except* above on its own
        assert retry


async def run_groups(groups, timeout):
    out = [None] * len(groups)

    async def one(i, group):
        try:
            out[i] = await run_all(group)
        except* BaseException as eg:
            if eg.subgroup(asyncio.CancelledError):
                raise
            out[i] = None

    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            for i, g in enumerate(groups):
                tg.create_task(one(i, g))
    return out
