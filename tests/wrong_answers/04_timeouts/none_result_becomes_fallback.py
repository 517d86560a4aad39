"""Topic 04, wrong: with_deadline marks a timeout with None, so a job that returns None in time gets the fallback."""

import asyncio


async def with_deadline(job, timeout, fallback):
    result = None
    try:
        result = await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        pass
    return fallback if result is None else result


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


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
