"""first_finished raises a RuntimeError of its own when the winner failed, in place of the job's JobFailed."""
import asyncio


async def start_in_background(job):
    """Start job() as a task and return the task at once, without waiting for it."""
    return asyncio.create_task(job())


async def run_all(jobs):
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [t.result() for t in tasks]


async def first_finished(jobs):
    """Return the result of whichever job finishes first, after cancelling all the others."""
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for t in pending:
        t.cancel()
    first = done.pop()
    if first.exception():
        raise RuntimeError(f"first job failed: {first.exception()}")
    return first.result()
