# Correct: gather_limited counts busy seats itself under an asyncio.Condition instead of using a Semaphore.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await asyncio.gather(*[asyncio.create_task(job()) for job in jobs])


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    outcomes = await asyncio.gather(*(job() for job in jobs), return_exceptions=True)
    return [outcome for outcome in outcomes]


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    seat_freed = asyncio.Condition()
    busy = 0

    async def take_seat_and_run(job):
        nonlocal busy
        async with seat_freed:
            await seat_freed.wait_for(lambda: busy < limit)
            busy += 1
        try:
            return await job()
        finally:
            async with seat_freed:
                busy -= 1
                seat_freed.notify()

    return await asyncio.gather(*(take_seat_and_run(job) for job in jobs))
