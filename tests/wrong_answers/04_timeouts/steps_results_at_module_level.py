"""Topic 04, wrong: steps_within appends to a list made once at module level, so a second call returns the first call's results too."""

import asyncio

done = []


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                done.append(await step())
    except TimeoutError:
        pass
    return list(done)


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
