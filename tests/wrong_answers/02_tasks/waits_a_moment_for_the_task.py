"""Topic 02, wrong: start_in_background sleeps a millisecond to let the task start before it returns it: not at once."""

import asyncio


async def start_in_background(job):
    task = asyncio.create_task(job())
    await asyncio.sleep(0.001)  # "to let the task start": a wait all the same, if a short one
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
