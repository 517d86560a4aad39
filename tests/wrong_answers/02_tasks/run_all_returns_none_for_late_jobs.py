"""Topic 02, wrong: run_all waits with a 5 s timeout and returns None for every job not done by then."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks, timeout=5)
    return [task.result() if task.done() else None for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
