"""A hand-made step timeout: call_later(step_timeout, task.cancel), and the CancelledError it causes caught without uncancel(). The outer asyncio.timeout is confused and lets CancelledError out."""

import asyncio


async def run_job(job, connection):
    try:
        return await job()
    finally:
        await connection.close()


async def save(prepare, commit):
    value = await prepare()
    return await asyncio.shield(commit(value))


async def shut_down(tasks, stop, grace):
    stop.set()
    done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    finished = [i for i, task in enumerate(tasks) if not task.cancelled()]
    cancelled = [i for i, task in enumerate(tasks) if task.cancelled()]
    return finished, cancelled


async def run_steps(steps, step_timeout, total_timeout):
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    results = []
    async with asyncio.timeout(total_timeout):
        for step in steps:
            fired = False

            def time_up():
                nonlocal fired
                fired = True
                task.cancel()

            handle = loop.call_later(step_timeout, time_up)
            try:
                results.append(await step())
            except asyncio.CancelledError:
                if not fired:
                    raise
                results.append(None)
            finally:
                handle.cancel()
    return results
