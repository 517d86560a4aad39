"""Topic 04, wrong: each_within keeps its results in a dict at module level, so a later call with fewer jobs also returns the first call's entries."""

import asyncio

results = {}


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    async def one(i, job):
        results[i] = await with_deadline(job, timeout, None)

    await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs)))
    return [results[i] for i in sorted(results)]


async def steps_within(steps, timeout):
    done = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                done.append(await step())
    except TimeoutError:
        pass
    return done


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
