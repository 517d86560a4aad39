"""Topic 04, wrong: steps_within returns its list only from an except block, so it returns None when every step finishes in time."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    async with asyncio.timeout(timeout):
        results = []
        try:
            for step in steps:
                results.append(await step())
        except asyncio.CancelledError:
            return results  # deadline hit: hand back what we have


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
