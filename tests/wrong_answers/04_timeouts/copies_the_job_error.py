"""Topic 04, wrong: run_and_clean_up raises a new exception of the job's type, so a copy reaches the caller."""

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
    except Exception as exc:
        raise type(exc)("run_and_clean_up: job failed")  # same type, but not the job's exception
    finally:
        clean_up()
