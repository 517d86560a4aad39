# Correct: asyncio.TaskGroup everywhere (the job's own exception unwrapped from the ExceptionGroup), semaphore for the limit.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def _settle(job):
    try:
        return await job()
    except Exception as error:  # noqa: BLE001 - the exception object is the result
        return error


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(job()) for job in jobs]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None  # the failing job's own exception, not the group
    return [task.result() for task in tasks]


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(_settle(job)) for job in jobs]
    return [task.result() for task in tasks]


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(seated(job)) for job in jobs]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]
