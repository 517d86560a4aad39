"""first_finished waits at most one second, then takes `next(iter(done))`: with nothing done, the
StopIteration comes out of the coroutine as a RuntimeError."""

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
    done, pending = await asyncio.wait(tasks, timeout=1, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return next(iter(done)).result()
