"""Topic 02, wrong: first_finished hands asyncio.wait the bare coroutines, which it refuses since Python 3.11."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [t.result() for t in tasks]


async def first_finished(jobs):
    done, pending = await asyncio.wait([job() for job in jobs], return_when=asyncio.FIRST_COMPLETED)
    for t in pending:
        t.cancel()
    return done.pop().result()
