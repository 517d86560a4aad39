"""Returns the first result but leaves the other tasks running."""

import asyncio


async def start_in_background(job):
    task = asyncio.create_task(job())
    await asyncio.sleep(0)
    return task


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    return done.pop().result()
