# Correct: asyncio.gather, and on the first failure an explicit cancel of the tasks still running and
# a wait for them; the errors of every failed task go into the ExceptionGroup; wait_for on the gather
# of the groups is the deadline (it cancels the gather, which cancels every group).
"""Topic 10: task groups — structured concurrency and ExceptionGroup."""

import asyncio


async def _settle(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if asyncio.current_task().cancelling():
            raise  # we were cancelled from outside: keep it that way
    return tasks


def _failures(tasks):
    return [t.exception() for t in tasks if t.done() and not t.cancelled() and t.exception() is not None]


async def run_all(jobs):
    tasks = await _settle(jobs)
    failures = _failures(tasks)
    if failures:
        raise ExceptionGroup("run_all failed", failures)
    return [t.result() for t in tasks]


async def run_partial(jobs):
    tasks = await _settle(jobs)
    return [None if t.cancelled() else (t.exception() if t.exception() is not None else t.result()) for t in tasks]


async def run_retrying(jobs, attempts):
    for attempt in range(attempts):
        tasks = await _settle(jobs)
        failures = _failures(tasks)
        if not failures:
            return [t.result() for t in tasks]
        group = ExceptionGroup("attempt failed", failures)
        _, others = group.split(ValueError)
        if attempt == attempts - 1 or others is not None:
            raise group


async def _one_group(jobs):
    try:
        return await run_all(jobs)
    except ExceptionGroup:
        return None


async def run_groups(groups, timeout):
    return await asyncio.wait_for(asyncio.gather(*(_one_group(g) for g in groups)), timeout)
