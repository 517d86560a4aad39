"""Topic 04, wrong: each_within keeps its runs in a dict keyed by the job, so a job listed twice runs once and both
places get that one result."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    runs = {job: asyncio.ensure_future(with_deadline(job, timeout, None)) for job in dict.fromkeys(jobs)}  # one per job
    await asyncio.gather(*runs.values())
    return [runs[job].result() for job in jobs]


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
