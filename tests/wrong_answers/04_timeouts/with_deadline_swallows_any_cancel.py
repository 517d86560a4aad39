"""Topic 04, wrong: with_deadline cancels the job with call_later and returns the fallback for any CancelledError, also a cancellation of its own caller."""

import asyncio


async def with_deadline(job, timeout, fallback):
    task = asyncio.create_task(job())
    asyncio.get_running_loop().call_later(timeout, task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        return fallback  # cancelled means it ran out of time


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
