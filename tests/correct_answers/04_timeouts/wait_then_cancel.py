# Correct: tasks + asyncio.wait(timeout=...), then cancel what is late and wait until it has really stopped.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio


async def _cancel_and_settle(tasks):
    """Cancel the tasks and wait until every one of them has stopped."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks)


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    task = asyncio.create_task(job())
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    finally:
        if not task.done():
            await _cancel_and_settle([task])
    if task in done:
        return task.result()
    return fallback


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    # every job starts now and has the same timeout, so one shared deadline is each job's deadline
    tasks = [asyncio.create_task(job()) for job in jobs]
    if not tasks:
        return []
    try:
        done, pending = await asyncio.wait(tasks, timeout=timeout)
    finally:
        await _cancel_and_settle([t for t in tasks if not t.done()])
    return [task.result() if task in done else None for task in tasks]


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    results = []

    async def all_steps():
        for step in steps:
            results.append(await step())

    runner = asyncio.create_task(all_steps())
    try:
        done, _ = await asyncio.wait({runner}, timeout=timeout)
    finally:
        if not runner.done():
            await _cancel_and_settle([runner])
    if runner in done:
        runner.result()  # a failing step propagates
    return results


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    try:
        result = await job()
    except asyncio.CancelledError:
        clean_up()
        raise  # stay cancelled
    except BaseException:
        clean_up()
        raise
    else:
        clean_up()
        return result
