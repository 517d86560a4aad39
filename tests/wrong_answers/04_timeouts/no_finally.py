"""Cleans up after the await, where a cancellation never reaches; hands wait_for the job function itself."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job, timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    async def one(job):
        try:
            return await asyncio.wait_for(job(), timeout)
        except TimeoutError:
            return None

    return await asyncio.gather(*(one(job) for job in jobs))


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
    result = await job()
    clean_up()
    return result
