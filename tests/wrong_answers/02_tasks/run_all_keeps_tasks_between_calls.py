"""Topic 02, wrong: run_all keeps its tasks in a module-level list, so a second call returns the first call's results too."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


tasks = []


async def run_all(jobs):
    for job in jobs:
        tasks.append(asyncio.create_task(job()))
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
