"""Topic 04, wrong: each_within starts every job as a Task, and for a timeout of 0 returns the Nones at once, without
cancelling them: they run on to their end."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    tasks = [asyncio.create_task(job()) for job in jobs]
    if timeout <= 0:
        return [None] * len(tasks)  # nothing can be in time: but the tasks go on
    done, _ = await asyncio.wait(tasks, timeout=timeout)
    for task in tasks:
        task.cancel()
    return [task.result() if task in done else None for task in tasks]


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
