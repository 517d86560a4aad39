# Correct: a TaskGroup of waiters under asyncio.timeout for the shutdown, each step in a Task of its own with asyncio.wait, `except BaseException:` re-raised for the cleanup, and asyncio.ensure_future under the shield.
"""Topic 11: cancellation — cleanup, shield, graceful shutdown."""

import asyncio


async def run_job(job, connection):
    try:
        result = await job()
    except BaseException:
        await connection.close()
        raise
    else:
        await connection.close()
        return result


async def save(prepare, commit):
    value = await prepare()
    writing = asyncio.ensure_future(commit(value))
    return await asyncio.shield(writing)


async def follow(task):
    # Cancelling this waiter cancels the worker it awaits, and the waiter ends once the worker has.
    await task


async def shut_down(tasks, stop, grace):
    stop.set()
    try:
        async with asyncio.timeout(grace):
            async with asyncio.TaskGroup() as group:
                for task in tasks:
                    group.create_task(follow(task))
    except TimeoutError:
        pass
    finished = [i for i, task in enumerate(tasks) if not task.cancelled()]
    cancelled = [i for i, task in enumerate(tasks) if task.cancelled()]
    return finished, cancelled


async def run_one(step, step_timeout):
    task = asyncio.create_task(step())
    try:
        await asyncio.wait({task}, timeout=step_timeout)
    finally:  # out of time, or cancelled from outside: the step must not outlive this call
        if not task.done():
            task.cancel()
            await asyncio.wait({task})
    return None if task.cancelled() else task.result()


async def run_steps(steps, step_timeout, total_timeout):
    results = []
    async with asyncio.timeout(total_timeout):
        for step in steps:
            results.append(await run_one(step, step_timeout))
    return results
