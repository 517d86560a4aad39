"""Topic 02, wrong: first_finished keeps its Tasks in a dict keyed by the job, so of a job listed twice one Task
is lost, and never cancelled."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = {job: asyncio.create_task(job()) for job in jobs}  # a job listed twice: its first Task is lost here
    done, pending = await asyncio.wait(tasks.values(), return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
