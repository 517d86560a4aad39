"""Topic 03, wrong: gather_limited starts one worker per two jobs, capped at the limit: fewer than the limit when there are few jobs."""
import asyncio

async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))

async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)

async def gather_limited(jobs, limit):
    queue = asyncio.Queue()
    for item in enumerate(jobs):
        queue.put_nowait(item)
    results = [None] * len(jobs)

    async def worker():
        while not queue.empty():
            i, job = queue.get_nowait()
            results[i] = await job()

    await asyncio.gather(*(worker() for _ in range(min(limit, max(1, len(jobs) // 2)))))
    return results
