"""Topic 02, wrong: start_in_background waits 0.1 s for the task to get going before returning it."""

import asyncio


async def start_in_background(job):
    task = asyncio.create_task(job())
    await asyncio.wait([task], timeout=0.1)
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
