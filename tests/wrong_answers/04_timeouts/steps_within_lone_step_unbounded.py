"""Topic 04, wrong: steps_within awaits a lone step as it is, with no deadline."""

import asyncio


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; results in job order, None if late."""
    async def one(job):
        try:
            return await asyncio.wait_for(job(), timeout)
        except TimeoutError:
            return None
    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def steps_within(steps, timeout):
    if len(steps) == 1:
        return [await steps[0]()]
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

