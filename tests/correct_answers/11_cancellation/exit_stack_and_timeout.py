# Correct: an AsyncExitStack for the close, a hand-made shield (the commit in a Task of its own, waited for through every cancellation, which is raised again afterwards), asyncio.timeout around a gather for the grace period, and asyncio.timeout_at with explicit deadlines.
"""Topic 11: cancellation — cleanup, shield, graceful shutdown."""

import asyncio
import contextlib


async def run_job(job, connection):
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(connection.close)
        return await job()


async def save(prepare, commit):
    value = await prepare()
    task = asyncio.create_task(commit(value))
    cancelled = None
    while not task.done():
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError as error:
            cancelled = error  # not now: the commit must end first
    if cancelled is not None:
        raise cancelled
    return task.result()


async def shut_down(tasks, stop, grace):
    stop.set()
    try:
        async with asyncio.timeout(grace):
            # Cancelled by the timeout, gather cancels the workers still running, and with
            # return_exceptions=True it ends only once all of them have.
            await asyncio.gather(*tasks, return_exceptions=True)
    except TimeoutError:
        pass
    report = ([], [])
    for i, task in enumerate(tasks):
        report[task.cancelled()].append(i)
    return report


async def run_steps(steps, step_timeout, total_timeout):
    loop = asyncio.get_running_loop()
    results = []
    async with asyncio.timeout_at(loop.time() + total_timeout):
        for step in steps:
            try:
                async with asyncio.timeout_at(loop.time() + step_timeout):
                    result = await step()
            except TimeoutError:
                result = None
            results.append(result)
    return results
