"""Topic 04, wrong: steps_within keeps one deadline for all the steps, but puts a None in the list for each step it cut or never ran, and goes on."""

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
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    for step in steps:
        try:
            results.append(await asyncio.wait_for(step(), deadline - loop.time()))
        except TimeoutError:
            results.append(None)
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
