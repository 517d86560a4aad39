"""Topic 04, wrong: each_within leaves out the Nones of the jobs that missed their deadline, so the results no longer stand in the jobs' places."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    results = await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))
    return [result for result in results if result is not None]  # "only what came in time"


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
