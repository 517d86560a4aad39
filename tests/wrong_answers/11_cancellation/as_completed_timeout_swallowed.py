"""Topic 11, wrong: shut_down waits with as_completed(timeout=grace), but an `except Exception` around each
await swallows its TimeoutError, so nothing is cancelled at the end of the grace period."""

import asyncio


async def run_job(job, connection):
    try:
        return await job()
    finally:
        await connection.close()  # runs on cancellation too; the CancelledError goes on after it


async def save(prepare, commit):
    value = await prepare()
    # If save is cancelled now, the CancelledError comes out of this await at once, while the
    # commit runs on to its end in a Task of its own.
    return await asyncio.shield(commit(value))


async def shut_down(tasks, stop, grace):
    stop.set()
    finished, cancelled = [], []
    try:
        for next_done in asyncio.as_completed(tasks, timeout=grace):
            try:
                await next_done
            except Exception:  # a worker that failed has ended too; this catches the TimeoutError as well
                pass
    except TimeoutError:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for i, task in enumerate(tasks):
        (cancelled if task.cancelled() else finished).append(i)
    return finished, cancelled


async def run_steps(steps, step_timeout, total_timeout):
    results = []
    async with asyncio.timeout(total_timeout):
        for step in steps:
            try:
                async with asyncio.timeout(step_timeout):
                    results.append(await step())
            except TimeoutError:  # this step's own deadline; the total one is raised outside this try
                results.append(None)
    return results
