"""gather_limited counts the running jobs and, with no seat free, sleeps 0.1 s and looks again: a freed seat waits for the next look."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    running = 0

    async def one(job):
        nonlocal running
        while running >= limit:  # no seat: look again in a moment
            await asyncio.sleep(0.1)
        running += 1
        try:
            return await job()
        finally:
            running -= 1

    return await asyncio.gather(*(one(job) for job in jobs))