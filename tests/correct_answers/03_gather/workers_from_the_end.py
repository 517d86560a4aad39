# Correct: `limit` workers share a to-do list of indices and pop jobs from its END; results land in their own slots.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`."""
    coros = map(lambda job: job(), jobs)
    return [*await asyncio.gather(*coros)]


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others."""
    async def settle(job):
        try:
            return await job()
        except Exception as error:
            return error

    return await asyncio.gather(*map(settle, jobs))


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    todo = list(range(len(jobs)))
    results = [None] * len(jobs)

    async def worker():
        while todo:
            i = todo.pop()  # take the last job still waiting
            results[i] = await jobs[i]()

    await asyncio.gather(*(worker() for _ in range(min(limit, len(jobs)))))
    return results
