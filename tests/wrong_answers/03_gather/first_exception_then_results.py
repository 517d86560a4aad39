"""Waits with FIRST_EXCEPTION, then reads every task's result: a job still running has none yet."""

import asyncio


async def gather_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    if not tasks:
        return []
    await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    return [task.result() for task in tasks]


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    semaphore = asyncio.Semaphore(limit)

    async def one(job):
        async with semaphore:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))
