"""Stops waiting at the deadline with asyncio.wait(timeout=...) but never cancels; cleans up only on errors."""

import asyncio


async def with_deadline(job, timeout, fallback):
    task = asyncio.create_task(job())
    done, pending = await asyncio.wait([task], timeout=timeout)
    if task in done:
        return task.result()
    return fallback


async def each_within(jobs, timeout):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks, timeout=timeout)
    return [task.result() if task.done() else None for task in tasks]


async def steps_within(steps, timeout):
    results = []

    async def run_steps():
        for step in steps:
            results.append(await step())

    await asyncio.wait([asyncio.create_task(run_steps())], timeout=timeout)
    return list(results)


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    except BaseException:
        clean_up()
        raise
