# Correct: each_within collects results with asyncio.as_completed(timeout=...) and cancels the late tasks itself; AsyncExitStack for clean-up.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio
import contextlib


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    task = asyncio.ensure_future(job())
    try:
        for first in asyncio.as_completed([task], timeout=timeout):
            return await first
    except TimeoutError:
        return fallback
    finally:
        if not task.done():
            task.cancel()
            await asyncio.wait([task])


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    try:
        for next_done in asyncio.as_completed(tasks, timeout=timeout):
            await next_done
    except TimeoutError:
        pass  # the ones still running are late
    finally:
        late = [task for task in tasks if not task.done()]
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
    return [None if task.cancelled() else task.result() for task in tasks]


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
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(clean_up)
        return await job()
