"""Wrong: each result wrapped in an object of its own (a helper class left half-written): the
results are not the jobs' results, and their reprs carry memory addresses, never shown."""

import asyncio


class Outcome:
    def __init__(self, value):
        self.value = value


async def gather_all(jobs):
    results = await asyncio.gather(*(job() for job in jobs))
    return [Outcome(r) for r in results]


async def gather_settled(jobs):
    return list(await asyncio.gather(*(job() for job in jobs), return_exceptions=True))


async def gather_limited(jobs, limit):
    semaphore = asyncio.Semaphore(limit)

    async def one(job):
        async with semaphore:
            return await job()

    return list(await asyncio.gather(*(one(job) for job in jobs)))
