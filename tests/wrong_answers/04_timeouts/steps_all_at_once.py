"""Topic 04, wrong: steps_within starts every step as a Task at once and waits for them with asyncio.wait(timeout=...)."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    tasks = [asyncio.create_task(step()) for step in steps]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    return [task.result() for task in tasks if task in done]


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
