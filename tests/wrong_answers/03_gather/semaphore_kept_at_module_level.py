"""Topic 03, wrong: gather_limited makes its Semaphore once, at module level, so later calls keep the first call's limit."""
import asyncio

semaphore = None

async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))

async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)

async def gather_limited(jobs, limit):
    global semaphore
    if semaphore is None:
        semaphore = asyncio.Semaphore(limit)

    async def run(job):
        async with semaphore:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))
