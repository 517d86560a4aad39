# Correct: classic producer/consumer: a bounded asyncio.Queue fed by the caller, `limit` consumers stopped by None sentinels.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await gather_limited(jobs, len(jobs) or 1)


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    async def outcome(job):
        try:
            return await job()
        except Exception as error:
            return error

    return await gather_all([lambda job=job: outcome(job) for job in jobs])


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    workers_count = max(1, min(limit, len(jobs)))
    queue = asyncio.Queue(maxsize=workers_count)
    results = [None] * len(jobs)

    async def consumer():
        while (item := await queue.get()) is not None:
            i, job = item
            results[i] = await job()

    async def producer():
        for item in enumerate(jobs):
            await queue.put(item)
        for _ in range(workers_count):
            await queue.put(None)

    consumers = [asyncio.create_task(consumer()) for _ in range(workers_count)]
    feeding = asyncio.create_task(producer())
    try:
        await asyncio.gather(*consumers)
    finally:
        feeding.cancel()
        for c in consumers:
            c.cancel()
    return results
