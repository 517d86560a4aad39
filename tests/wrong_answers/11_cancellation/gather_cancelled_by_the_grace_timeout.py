"""Topic 11, wrong: shut_down waits for the workers with a gather inside asyncio.timeout(grace); at the deadline the gather, cancelled, cancels every worker itself and waits for them, and shut_down reports them all as ended on their own."""

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
    try:
        async with asyncio.timeout(grace):
            await asyncio.gather(*tasks, return_exceptions=True)
    except TimeoutError:
        pass
    running = [task for task in tasks if not task.done()]
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
    # "those still running at the deadline are the ones we cancelled"
    return [i for i, task in enumerate(tasks) if task not in running], [i for i, task in enumerate(tasks) if task in running]


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
