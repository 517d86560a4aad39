"""Topic 03, wrong: gather_settled uses None to mean "failed", so a job that returns None is looked up as a failure."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    errors = {}

    async def settled(i, job):
        try:
            return await job()
        except Exception as error:
            errors[i] = error
            return None

    results = await asyncio.gather(*(settled(i, job) for i, job in enumerate(jobs)))
    return [errors[i] if result is None else result for i, result in enumerate(results)]


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))

