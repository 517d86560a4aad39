"""Topic 04, wrong: run_and_clean_up shields the job, so when it is cancelled the job goes on running in the background."""

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
        return await asyncio.shield(job())  # protect the job from being interrupted halfway
    finally:
        clean_up()
