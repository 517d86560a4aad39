"""One timeout around the whole batch, and a fresh timeout for every step: deadlines in the wrong places."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    try:
        return await asyncio.wait_for(asyncio.gather(*(job() for job in jobs)), timeout)
    except TimeoutError:
        return [None] * len(jobs)


async def steps_within(steps, timeout):
    results = []
    for step in steps:
        try:
            results.append(await asyncio.wait_for(step(), timeout))
        except TimeoutError:
            break
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
