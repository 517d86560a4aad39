"""Topic 04, wrong: with_deadline waits for the job's Task with asyncio.wait, so a cancellation from its caller leaves the job running."""

import asyncio


async def with_deadline(job, timeout, fallback):
    task = asyncio.create_task(job())
    done, _ = await asyncio.wait({task}, timeout=timeout)  # cancelled here, nothing cancels the task
    if task in done:
        return task.result()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    return fallback


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    results = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                results.append(await step())
    except TimeoutError:
        pass
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
