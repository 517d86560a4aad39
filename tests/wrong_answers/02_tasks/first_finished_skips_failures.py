"""Topic 02, wrong: first_finished skips a failed job and returns the first job that succeeds."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        for next_done in asyncio.as_completed(tasks):
            try:
                return await next_done
            except Exception:
                continue
    finally:
        for task in tasks:
            task.cancel()
