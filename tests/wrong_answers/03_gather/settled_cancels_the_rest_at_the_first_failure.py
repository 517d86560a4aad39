"""gather_settled waits with FIRST_EXCEPTION and cancels what still runs at the first failure: those jobs get a
CancelledError in place of their result."""
import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    if not jobs:
        return []
    tasks = [asyncio.create_task(j()) for j in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for t in pending:
        t.cancel()
    await asyncio.wait(tasks)
    out = []
    for t in tasks:
        if t.cancelled():
            out.append(asyncio.CancelledError())
        elif t.exception() is not None:
            out.append(t.exception())
        else:
            out.append(t.result())
    return out


async def gather_limited(jobs, limit):
    sem = asyncio.Semaphore(limit)

    async def run(job):
        async with sem:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))
