"""gather_settled keeps one variable for the error, overwritten at each failure: every failed place gets the last
one."""
import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    error = None
    failed = []

    async def one(i, job):
        nonlocal error
        try:
            return await job()
        except Exception as exc:
            error = exc
            failed.append(i)

    results = await asyncio.gather(*(one(i, j) for i, j in enumerate(jobs)))
    for i in failed:
        results[i] = error
    return results


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    sem = asyncio.Semaphore(limit)

    async def one(job):
        async with sem:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))
