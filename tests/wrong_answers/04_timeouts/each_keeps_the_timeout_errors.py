"""Topic 04, wrong: each_within gathers the wait_fors with return_exceptions=True, so TimeoutError objects stand where None should."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    return await asyncio.gather(*(asyncio.wait_for(job(), timeout) for job in jobs), return_exceptions=True)


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
