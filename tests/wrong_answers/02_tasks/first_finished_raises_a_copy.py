"""Topic 02, wrong: first_finished raises a copy of the winner's exception, type(e)(*e.args), not the exception itself."""

import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    return asyncio.create_task(job())


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
    winner = done.pop()
    exc = winner.exception()
    if exc is not None:
        raise type(exc)(*exc.args)
    return winner.result()
