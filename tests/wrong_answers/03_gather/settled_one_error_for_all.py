"""Topic 03, wrong: gather_settled catches the first failure around the gather and returns it in every place."""
import asyncio

async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))

async def gather_settled(jobs):
    try:
        return await asyncio.gather(*(job() for job in jobs))
    except Exception as error:
        return [error] * len(jobs)

async def gather_limited(jobs, limit):
    sem = asyncio.Semaphore(limit)
    async def run(job):
        async with sem:
            return await job()
    return await asyncio.gather(*(run(job) for job in jobs))
