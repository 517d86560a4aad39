"""Topic 02, wrong: start_in_background's Task starts the job in a Task of its own, so the job starts a loop turn late."""

import asyncio


async def guarded(job):
    return await asyncio.ensure_future(job())


async def start_in_background(job):
    return asyncio.create_task(guarded(job))


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
