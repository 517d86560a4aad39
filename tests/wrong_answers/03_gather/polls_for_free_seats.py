"""gather_limited starts what fits, then sleeps half a second and looks again: a seat that frees meanwhile stays
idle until it wakes."""
import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    tasks = [None] * len(jobs)
    nxt = 0
    while True:
        running = sum(1 for t in tasks if t is not None and not t.done())
        while nxt < len(jobs) and running < limit:
            tasks[nxt] = asyncio.create_task(jobs[nxt]())
            nxt += 1
            running += 1
        if nxt == len(jobs):
            break
        await asyncio.sleep(0.5)
    return [await t for t in tasks]
