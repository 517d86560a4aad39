"""Spins in gather_all: its first grader stops at the limit, its other two are not run; the rest score."""

import asyncio


async def gather_all(jobs):
    while True:
        pass


async def gather_settled(jobs):
    return list(await asyncio.gather(*[job() for job in jobs], return_exceptions=True))


async def gather_limited(jobs, limit):
    room = asyncio.Semaphore(limit)

    async def run(job):
        async with room:
            return await job()

    return list(await asyncio.gather(*map(run, jobs)))
