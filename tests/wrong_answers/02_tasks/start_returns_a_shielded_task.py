"""Topic 02, wrong: start_in_background returns asyncio.shield(task), a Future that is not the job's Task."""

import asyncio


async def start_in_background(job):
    return asyncio.shield(asyncio.create_task(job()))


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
