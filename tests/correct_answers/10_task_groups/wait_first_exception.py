# Correct: no TaskGroup at all. asyncio.wait(FIRST_EXCEPTION), then an explicit cancel of what is
# pending and a wait for it to end; the ExceptionGroup is built by hand; the deadline is asyncio.wait's
# timeout followed by cancelling and awaiting what is left.
"""Topic 10: task groups — structured concurrency and ExceptionGroup."""

import asyncio


async def _cancel_and_wait(tasks):
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks)


async def _run_batch(jobs):
    """Every job's task, once all have ended: the first failure cancels the others."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:  # also when we are cancelled ourselves
        await _cancel_and_wait([task for task in tasks if not task.done()])
    return tasks


def _errors(tasks):
    return [task.exception() for task in tasks if not task.cancelled() and task.exception() is not None]


async def run_all(jobs):
    tasks = await _run_batch(jobs)
    errors = _errors(tasks)
    if errors:
        raise ExceptionGroup("some jobs failed", errors)
    return [task.result() for task in tasks]


async def run_partial(jobs):
    tasks = await _run_batch(jobs)
    report = []
    for task in tasks:
        if task.cancelled():
            report.append(None)
        elif task.exception() is not None:
            report.append(task.exception())
        else:
            report.append(task.result())
    return report


async def run_retrying(jobs, attempts):
    attempt = 0
    while True:
        attempt += 1
        tasks = await _run_batch(jobs)
        errors = _errors(tasks)
        if not errors:
            return [task.result() for task in tasks]
        only_value_errors = all(isinstance(error, ValueError) for error in errors)
        if not only_value_errors or attempt >= attempts:
            raise ExceptionGroup("batch failed", errors)


async def _group(jobs):
    tasks = await _run_batch(jobs)
    if _errors(tasks):
        return None
    return [task.result() for task in tasks]


async def run_groups(groups, timeout):
    tasks = [asyncio.create_task(_group(group)) for group in groups]
    try:
        done, pending = await asyncio.wait(tasks, timeout=timeout)
    finally:
        await _cancel_and_wait([task for task in tasks if not task.done()])
    if pending:
        raise TimeoutError(f"{len(pending)} of {len(groups)} groups missed the {timeout} s deadline")
    return [task.result() for task in tasks]
