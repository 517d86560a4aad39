"""After stop.set(), gather waits for every worker, however long: a stuck worker keeps it waiting forever."""

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
    await asyncio.gather(*tasks, return_exceptions=True)
    finished = [i for i, task in enumerate(tasks) if not task.cancelled()]
    cancelled = [i for i, task in enumerate(tasks) if task.cancelled()]
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
