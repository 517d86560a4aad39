"""Topic 11, wrong: shut_down with a grace period of 0 cancels the workers without setting `stop` first."""

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
    if grace <= 0:  # no time to stop: straight to cancelling (but the workers were to be asked first)
        pending = set(tasks)
    else:
        stop.set()
        done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)  # until their cleanup has run
    finished = [i for i, task in enumerate(tasks) if not task.cancelled()]
    cancelled = [i for i, task in enumerate(tasks) if task.cancelled()]
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
