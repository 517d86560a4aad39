"""first_finished gives asyncio.wait a timeout of 5 s "just in case": when no job is done by then,
`done` is empty and popping from it raises KeyError."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    if not tasks:
        return []
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, timeout=5, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
