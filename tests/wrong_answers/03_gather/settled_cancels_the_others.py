"""gather_settled runs the jobs in a TaskGroup: the first failure cancels the others, which end up as CancelledError."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as group:  # the first failure cancels every other job
            tasks = [group.create_task(job()) for job in jobs]
    except* Exception:
        pass
    return [asyncio.CancelledError() if task.cancelled() else task.exception() or task.result() for task in tasks]


async def gather_limited(jobs, limit):
    slots = asyncio.Semaphore(limit)

    async def in_slot(job):
        async with slots:
            return await job()

    return await asyncio.gather(*(in_slot(job) for job in jobs))
