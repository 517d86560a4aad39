"""gather_limited refills one seat fewer than were freed when several jobs end at the same moment."""
import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    results = [None] * len(jobs)
    index = {}
    nxt = 0
    for _ in range(min(limit, len(jobs))):
        index[asyncio.create_task(jobs[nxt]())] = nxt
        nxt += 1
    pending = set(index)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for t in done:
            results[index[t]] = t.result()
        free = limit - len(pending)
        if len(done) > 1:
            free -= 1
        for _ in range(free):
            if nxt < len(jobs):
                t = asyncio.create_task(jobs[nxt]())
                index[t] = nxt
                pending.add(t)
                nxt += 1
    return results
