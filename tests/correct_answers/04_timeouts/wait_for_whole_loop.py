# Correct: steps_within wraps the whole step loop in ONE asyncio.wait_for, keeping finished results in a list outside it.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    try:
        return await asyncio.wait_for(asyncio.ensure_future(job()), timeout=timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    outcomes = await asyncio.gather(
        *(asyncio.wait_for(job(), timeout) for job in jobs), return_exceptions=True
    )
    results = []
    for outcome in outcomes:
        if isinstance(outcome, TimeoutError):
            results.append(None)
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            results.append(outcome)
    return results


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    finished = []

    async def one_after_another():
        for step in steps:
            finished.append(await step())

    try:
        await asyncio.wait_for(one_after_another(), timeout)
    except TimeoutError:
        pass
    return finished


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    try:
        result = await job()
    except asyncio.CancelledError:
        clean_up()
        raise
    except BaseException:
        clean_up()
        raise
    clean_up()
    return result
