"""first_finished waits for the first job in the list, not the first to finish: a job list whose fastest job sits first hides it."""
import asyncio

async def start_in_background(job):
    return asyncio.create_task(job())

async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [t.result() for t in tasks]

async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    first = tasks[0]
    done, pending = await asyncio.wait([first])
    for t in tasks[1:]:
        t.cancel()
    return first.result()
