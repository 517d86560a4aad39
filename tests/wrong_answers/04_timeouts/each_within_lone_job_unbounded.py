"""Topic 04, wrong: each_within awaits a lone job as it is, with no deadline."""

import asyncio


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    if len(jobs) == 1:
        return [await jobs[0]()]
    async def one(job):
        try:
            return await asyncio.wait_for(job(), timeout)
        except TimeoutError:
            return None
    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline; results of those done in time."""
    results = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                results.append(await step())
    except TimeoutError:
        pass
    return results


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result; call clean_up() exactly once whatever happens."""
    try:
        return await job()
    finally:
        clean_up()

