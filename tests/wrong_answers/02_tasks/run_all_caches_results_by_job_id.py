"""Topic 02, wrong: run_all keeps results in a module-level dict keyed by id(job), so a job called again is not rerun."""

import asyncio

results_by_id = {}


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = {id(job): asyncio.create_task(job()) for job in jobs if id(job) not in results_by_id}
    if tasks:
        await asyncio.wait(tasks.values())
    for key, task in tasks.items():
        results_by_id[key] = task.result()
    return [results_by_id[id(job)] for job in jobs]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
