"""Topic 02, wrong: start_in_background wraps the job so that its task gives None instead of raising."""

import asyncio
import logging

async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    async def guarded():
        try:
            return await job()
        except Exception:
            logging.exception("background job failed")
            return None
    return asyncio.create_task(guarded())


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
