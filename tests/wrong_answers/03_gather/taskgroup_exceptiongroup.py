"""gather_all in a TaskGroup: a failing job reaches the caller wrapped in an ExceptionGroup."""

import asyncio


async def gather_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    slots = asyncio.Semaphore(limit)

    async def in_slot(job):
        async with slots:
            return await job()

    return await asyncio.gather(*(in_slot(job) for job in jobs))
