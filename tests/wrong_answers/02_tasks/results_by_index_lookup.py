"""Topic 02, wrong: run_all puts each result at `jobs.index(job)`, so a job listed twice leaves its second place None."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = {asyncio.create_task(job()): job for job in jobs}
    await asyncio.wait(tasks)
    results = [None] * len(jobs)
    for t, job in tasks.items():
        results[jobs.index(job)] = t.result()
    return results


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
