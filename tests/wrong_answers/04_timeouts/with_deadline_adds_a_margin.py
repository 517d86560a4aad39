"""Topic 04, wrong: with_deadline adds 0.1 s of slack to the timeout it was given, so late jobs run past their deadline."""

import asyncio

SLACK = 0.1


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout + SLACK)
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
    finally:
        clean_up()
