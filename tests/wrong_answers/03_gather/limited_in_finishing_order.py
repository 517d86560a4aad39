"""Topic 03, wrong: gather_limited appends each result as its job ends, so the results come back in finishing order."""
import asyncio

async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))

async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)

async def gather_limited(jobs, limit):
    sem = asyncio.Semaphore(limit)
    results = []
    async def run(job):
        async with sem:
            results.append(await job())
    await asyncio.gather(*(run(job) for job in jobs))
    return results
