"""Topic 04, wrong: each_within sleeps the whole timeout, then collects what is done: when every job is quick it still returns at the timeout."""
import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    tasks = [asyncio.create_task(j()) for j in jobs]
    await asyncio.sleep(timeout)          # always waits the whole timeout
    out = []
    for t in tasks:
        if t.done():
            out.append(t.result())
        else:
            t.cancel()
            out.append(None)
    return out


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
