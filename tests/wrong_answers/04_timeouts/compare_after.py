"""Times the work and compares with the timeout afterwards: nothing is ever stopped at the deadline."""

import asyncio


async def with_deadline(job, timeout, fallback):
    loop = asyncio.get_running_loop()
    start = loop.time()
    result = await job()
    if loop.time() - start > timeout:
        return fallback
    return result


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    loop = asyncio.get_running_loop()
    start = loop.time()
    results = []
    for step in steps:
        result = await step()
        if loop.time() - start > timeout:
            break
        results.append(result)
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
