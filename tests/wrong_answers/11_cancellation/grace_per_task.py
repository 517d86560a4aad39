"""Each worker in turn gets its own wait_for(task, grace): the later ones get a new grace period each."""

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
    finished, cancelled = [], []
    for i, task in enumerate(tasks):
        try:
            await asyncio.wait_for(task, grace)
            finished.append(i)
        except TimeoutError:
            cancelled.append(i)
    return finished, cancelled


async def run_steps(steps, step_timeout, total_timeout):
    results = []
    async with asyncio.timeout(total_timeout):
        for step in steps:
            try:
                async with asyncio.timeout(step_timeout):
                    results.append(await step())
            except TimeoutError:
                results.append(None)
    return results
