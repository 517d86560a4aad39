"""Topic 04, wrong: steps_within puts each step in its own timeout_at block of the shared deadline and goes on after a TimeoutError, so every later step starts and is cancelled at once."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    deadline = asyncio.get_running_loop().time() + timeout
    results = []
    for step in steps:
        try:
            async with asyncio.timeout_at(deadline):
                results.append(await step())
        except TimeoutError:
            continue
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
