"""Topic 11, wrong: shut_down's report lists live at module level, so a second shutdown
reports the first one's workers too."""

import asyncio


finished = []
cancelled = []


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
    done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
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
