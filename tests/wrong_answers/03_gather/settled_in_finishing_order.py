"""Collects gather_settled's results and exceptions with as_completed: every entry is there, in finishing order."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    async def settle(job):
        try:
            return await job()
        except Exception as error:
            return error

    return [await done for done in asyncio.as_completed([settle(job) for job in jobs])]


async def gather_limited(jobs, limit):
    seats = asyncio.Semaphore(limit)

    async def run(job):
        async with seats:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))
