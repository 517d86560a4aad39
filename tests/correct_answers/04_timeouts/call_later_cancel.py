# Correct: a home-made deadline: loop.call_later(timeout, ...) cancels the job's task; our own cancel is told apart by a flag.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio

_LATE = object()


async def _run_until(coro, timeout):
    """Run `coro` as a task that a timer cancels after `timeout` seconds; _LATE if it was cut off."""
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(coro)
    fired = False

    def deadline():
        nonlocal fired
        fired = True
        task.cancel()

    timer = loop.call_later(timeout, deadline)
    try:
        return await task  # cancelling us also cancels the task we await
    except asyncio.CancelledError:
        me = asyncio.current_task()
        if fired and task.cancelled() and not me.cancelling():
            return _LATE
        raise
    finally:
        timer.cancel()


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    result = await _run_until(job(), timeout)
    return fallback if result is _LATE else result


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    results = []

    async def all_steps():
        for step in steps:
            results.append(await step())

    await _run_until(all_steps(), timeout)
    return results


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    cleaned = False
    try:
        return await job()
    finally:
        if not cleaned:
            cleaned = True
            clean_up()
