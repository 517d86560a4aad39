"""Topic 04, wrong: with_deadline starts the job as a Task, and for a timeout of 0 returns the fallback at once,
without cancelling it: the job runs on to its end."""

import asyncio


async def with_deadline(job, timeout, fallback):
    task = asyncio.create_task(job())
    if timeout <= 0:
        return fallback  # no time to wait: but the task goes on
    try:
        return await asyncio.wait_for(task, timeout)
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
