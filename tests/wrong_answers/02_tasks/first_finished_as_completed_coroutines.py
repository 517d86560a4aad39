"""Topic 02, wrong: first_finished hands asyncio.as_completed bare coroutines, so it has no Tasks to cancel."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    for first in asyncio.as_completed([job() for job in jobs]):
        return await first
