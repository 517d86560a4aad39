"""Topic 02, wrong: run_all keys its tasks by job in a dict, so a job listed twice gives one result for both places."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    by_job = {job: asyncio.create_task(job()) for job in jobs}
    await asyncio.wait(by_job.values())
    return [by_job[job].result() for job in jobs]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
