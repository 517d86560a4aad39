"""Topic 03, wrong: gather_limited's sliding window starts one new job per wake-up, so when two jobs end at the same moment a seat stays idle."""
import asyncio

async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))

async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)

async def gather_limited(jobs, limit):
    results = [None] * len(jobs)
    index = {asyncio.create_task(jobs[i]()): i for i in range(min(limit, len(jobs)))}
    following = len(index)
    pending = set(index)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            results[index[task]] = task.result()
        if following < len(jobs):  # one new job, however many ended
            task = asyncio.create_task(jobs[following]())
            index[task] = following
            pending.add(task)
            following += 1
    return results
