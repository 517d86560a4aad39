"""Topic 11, wrong: shut_down looks at the workers every 0.25 s instead of waiting on them; when the last
one ends in the last quarter second of the grace period, its next look falls on the deadline itself."""

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
    loop = asyncio.get_running_loop()
    end = loop.time() + grace
    while loop.time() < end and not all(task.done() for task in tasks):
        await asyncio.sleep(0.25)
    pending = [task for task in tasks if not task.done()]
    for task in pending:
        task.cancel()
    while not all(task.done() for task in pending):
        await asyncio.sleep(0.25)
    finished = [i for i, task in enumerate(tasks) if task not in pending]
    cancelled = [i for i, task in enumerate(tasks) if task in pending]
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
