"""first_finished cancels the others, then gathers every task without return_exceptions: the CancelledError of a cancelled task escapes."""
import asyncio

async def start_in_background(job):
    return asyncio.create_task(job())

async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [t.result() for t in tasks]

async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for t in pending:
        t.cancel()
    await asyncio.gather(*tasks)
    return done.pop().result()
