"""gather_all runs each job with asyncio.run in a thread pool and waits for the futures on the loop's thread."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

async def gather_all(jobs):
    with ThreadPoolExecutor(max_workers=len(jobs) or 1) as pool:
        futures = [pool.submit(asyncio.run, job()) for job in jobs]
        return [f.result() for f in futures]

async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)

async def gather_limited(jobs, limit):
    sem = asyncio.Semaphore(limit)
    async def run(job):
        async with sem:
            return await job()
    return await asyncio.gather(*(run(job) for job in jobs))
