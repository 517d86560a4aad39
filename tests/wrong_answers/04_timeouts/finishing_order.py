"""each_within gives each job its own deadline, but collects the results as they finish."""

import asyncio


async def with_deadline(job, seconds, fallback):
    try:
        return await asyncio.wait_for(job(), seconds)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    return [await done for done in asyncio.as_completed([with_deadline(job, timeout, None) for job in jobs])]


async def steps_within(steps, timeout):
    results = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                results.append(await step())
    except TimeoutError:
        pass
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
