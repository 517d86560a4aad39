"""Topic 03, wrong: gather_settled adds to a list made once at module level, so a second call returns the first call's results too."""

import asyncio

settled = []


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    settled.extend(await asyncio.gather(*(job() for job in jobs), return_exceptions=True))
    return list(settled)


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))
