"""Topic 11, wrong: run_steps sleeps 0.1 s after a step runs out of its own time, before it starts the next."""

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
    tasks = list(tasks)
    if not tasks:
        return [], []
    done, pending = await asyncio.wait(tasks, timeout=grace)
    for t in pending:
        t.cancel()
    if pending:
        await asyncio.wait(pending)
    finished = [i for i, t in enumerate(tasks) if t not in pending]
    cancelled = [i for i, t in enumerate(tasks) if t in pending]
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
                await asyncio.sleep(0.1)
    return results
