# Correct: asyncio.wait_for around the coroutine that runs the outer TaskGroup (instead of
# asyncio.timeout inside it); results collected by index from within the children; functools.partial
# makes each group a job for run_all; run_partial's children note their own outcome and re-raise.
"""Topic 10: task groups — structured concurrency and ExceptionGroup."""

import asyncio
import functools


async def run_all(jobs):
    results = [None] * len(jobs)

    async def keep(index, job):
        results[index] = await job()

    async with asyncio.TaskGroup() as tg:
        for index, job in enumerate(jobs):
            tg.create_task(keep(index, job))
    return results


async def run_partial(jobs):
    report = [None] * len(jobs)

    async def one(index, job):
        try:
            report[index] = await job()
        except Exception as error:
            report[index] = error
            raise  # the group must see the failure, so that it cancels the others

    try:
        async with asyncio.TaskGroup() as tg:
            for index, job in enumerate(jobs):
                tg.create_task(one(index, job))
    except* Exception:
        pass
    return report


async def run_retrying(jobs, attempts):
    last_attempt = attempts - 1
    for attempt in range(attempts):
        retry = False
        try:
            return await run_all(jobs)
        except* ValueError:
            if attempt == last_attempt:
                raise
            retry = True
        assert retry


async def _group_or_none(jobs):
    try:
        return await run_all(jobs)
    except* Exception:
        pass
    return None


async def run_groups(groups, timeout):
    return await asyncio.wait_for(run_all([functools.partial(_group_or_none, g) for g in groups]), timeout)
