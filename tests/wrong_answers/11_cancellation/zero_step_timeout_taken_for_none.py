"""Topic 11, wrong: run_steps passes `step_timeout or None` to asyncio.timeout, so a step timeout of 0 lets every
step run to its end."""

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
                async with asyncio.timeout(step_timeout or None):  # 0 taken for "no step timeout given"
                    results.append(await step())
            except TimeoutError:  # this step's own deadline; the total one is raised outside this try
                results.append(None)
    return results
