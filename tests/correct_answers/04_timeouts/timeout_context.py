# Correct: `async with asyncio.timeout(...)` for every deadline (no wait_for at all); try/finally for the clean-up.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    try:
        async with asyncio.timeout(timeout):
            return await job()
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    results = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                results.append(await step())
    except TimeoutError:
        pass
    return results


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    try:
        return await job()
    finally:
        clean_up()
