"""Topic 02, wrong: first_finished waits for every job, then returns the result of the first job in the list, whichever finished first."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)  # "every job is done now, so none is left running"
    return tasks[0].result()