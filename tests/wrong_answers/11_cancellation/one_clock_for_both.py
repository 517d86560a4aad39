"""One timeout per step, the smaller of the step's and what is left of the total: when the total runs out, its TimeoutError is taken for a step's."""

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
    deadline = loop.time() + total_timeout
    results = []
    for step in steps:
        try:
            async with asyncio.timeout(min(step_timeout, deadline - loop.time())):
                results.append(await step())
        except TimeoutError:
            results.append(None)
    return results
