"""Topic 03, wrong: gather_settled returns a new exception built from the job's (type(e)(*e.args)), not the one it raised."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    async def settled(job):
        try:
            return await job()
        except Exception as error:
            return type(error)(*error.args)

    return await asyncio.gather(*(settled(job) for job in jobs))


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)

    async def seated(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(seated(job) for job in jobs))

