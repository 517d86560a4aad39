"""Topic 04, wrong: each_within puts each result at jobs.index(job), so a job listed twice fills its first place
twice and leaves its second None."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    results = [None] * len(jobs)

    async def one(job):
        results[jobs.index(job)] = await with_deadline(job, timeout, None)  # a job's first place, whichever entry ran

    await asyncio.gather(*(one(job) for job in jobs))
    return results


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
