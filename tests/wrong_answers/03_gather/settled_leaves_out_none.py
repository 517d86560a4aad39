"""gather_settled leaves out the None results ("no result"): a job that returned None loses its place, and every
result after it moves up one."""
import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    results = await asyncio.gather(*(job() for job in jobs), return_exceptions=True)
    return [r for r in results if r is not None]


async def gather_limited(jobs, limit):
    sem = asyncio.Semaphore(limit)

    async def run(job):
        async with sem:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))
