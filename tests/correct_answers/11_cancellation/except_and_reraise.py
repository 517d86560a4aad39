# Correct: `except BaseException:` with a bare `raise` for the cleanup (a failed job or a cancel), a shielded commit awaited to its end before the cancellation goes on, wait_for over a shielded gather for the grace period, and wait_for for both deadlines.
"""Topic 11: cancellation — cleanup, shield, graceful shutdown."""

import asyncio


async def run_job(job, connection):
    try:
        result = await job()
    except BaseException:  # the job failed or run_job was cancelled: close, then let it go on
        await connection.close()
        raise
    await connection.close()
    return result


async def save(prepare, commit):
    value = await prepare()
    task = asyncio.create_task(commit(value))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await task  # the commit ends before the cancellation goes on to the caller
        raise


async def shut_down(tasks, stop, grace):
    stop.set()
    everyone = asyncio.gather(*tasks, return_exceptions=True)
    try:
        await asyncio.wait_for(asyncio.shield(everyone), grace)
    except TimeoutError:
        for task in tasks:
            if not task.done():
                task.cancel()
        await everyone  # once every worker, cancelled or not, has ended
    finished = [i for i, task in enumerate(tasks) if not task.cancelled()]
    cancelled = [i for i, task in enumerate(tasks) if task.cancelled()]
    return finished, cancelled


async def run_steps(steps, step_timeout, total_timeout):
    results = []

    async def one_by_one():
        for step in steps:
            try:
                results.append(await asyncio.wait_for(step(), step_timeout))
            except TimeoutError:
                results.append(None)

    await asyncio.wait_for(one_by_one(), total_timeout)
    return results
