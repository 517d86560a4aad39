"""Topic 04, wrong: steps_within opens `async with asyncio.timeout(timeout)` inside the loop: each step gets the full timeout again."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    results = []
    for step in steps:
        try:
            async with asyncio.timeout(timeout):
                results.append(await step())
        except TimeoutError:
            break
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
