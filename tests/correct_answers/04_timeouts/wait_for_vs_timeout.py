# Correct: asyncio.wait_for everywhere, steps_within gives each step wait_for(remaining time until one shared deadline).
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    try:
        return await asyncio.wait_for(job(), timeout=timeout)
    except asyncio.TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    async def one(job):
        try:
            return await asyncio.wait_for(job(), timeout)
        except asyncio.TimeoutError:
            return None

    return list(await asyncio.gather(*map(one, jobs)))


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    results = []
    for step in steps:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            results.append(await asyncio.wait_for(step(), remaining))
        except asyncio.TimeoutError:
            break
    return results


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    try:
        result = await job()
    except BaseException:
        clean_up()
        raise
    clean_up()
    return result
