"""Topic 02, wrong: start_in_background awaits the Task before returning it, so it returns only once the job is over, and a failing job's exception comes out of start_in_background itself."""

import asyncio


async def start_in_background(job):
    task = asyncio.create_task(job())
    await task  # "to be sure it ran"
    return task


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
