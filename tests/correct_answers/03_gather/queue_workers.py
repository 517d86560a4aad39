# Correct: gather_limited uses `limit` worker tasks pulling (index, job) from an asyncio.Queue, results put back in argument order.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return list(await asyncio.gather(*(job() for job in jobs)))


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    return list(await asyncio.gather(*[job() for job in jobs], return_exceptions=True))


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    queue = asyncio.Queue()
    for item in enumerate(jobs):
        queue.put_nowait(item)
    results = [None] * len(jobs)

    async def worker():
        while True:
            try:
                i, job = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                results[i] = await job()
            finally:
                queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(min(limit, len(jobs)))]
    try:
        await asyncio.gather(*workers)
    finally:
        for w in workers:
            w.cancel()
    return results
