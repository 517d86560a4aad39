"""Topic 03, wrong: gather_limited takes a shortcut for "few" jobs (fewer than twice the limit) and
runs them all at once, over the limit."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    if len(jobs) < 2 * limit:  # "too few to bother limiting"
        return await gather_all(jobs)
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))
