# Correct: wait_for over a gather of the workers (it cancels the gather, which cancels them and waits), a whole run wrapped in wait_for with asyncio.timeout inside, and a retry-free finally with the close.
"""Topic 11: cancellation — cleanup, shield, graceful shutdown."""

import asyncio


async def run_job(job, connection):
    result = None
    try:
        result = await job()
    finally:
        await connection.close()
    return result


async def save(prepare, commit):
    value = await prepare()
    receipt = await asyncio.shield(commit(value))
    return receipt


async def shut_down(tasks, stop, grace):
    stop.set()
    try:
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=grace)
    except TimeoutError:
        pass
    finished, cancelled = [], []
    for i, task in enumerate(tasks):
        (cancelled if task.cancelled() else finished).append(i)
    return finished, cancelled


async def all_steps(steps, step_timeout):
    results = []
    for step in steps:
        try:
            async with asyncio.timeout(step_timeout):
                results.append(await step())
        except TimeoutError:
            results.append(None)
    return results


async def run_steps(steps, step_timeout, total_timeout):
    return await asyncio.wait_for(all_steps(steps, step_timeout), total_timeout)
