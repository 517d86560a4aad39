# Correct: absolute deadlines with asyncio.timeout_at(loop.time() + timeout); clean-up through contextlib.ExitStack.callback.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio
import contextlib


def _deadline(timeout):
    return asyncio.get_running_loop().time() + timeout


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    result = fallback
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout_at(_deadline(timeout)):
            result = await job()
    return result


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    when = _deadline(timeout)  # they all start now, so they all share this deadline

    async def one(job):
        try:
            async with asyncio.timeout_at(when):
                return await job()
        except TimeoutError:
            return None

    tasks = [asyncio.create_task(one(job)) for job in jobs]
    return [await task for task in tasks]


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    results = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout_at(_deadline(timeout)):
            for step in steps:
                results.append(await step())
    return results


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    with contextlib.ExitStack() as stack:
        stack.callback(clean_up)
        return await job()
