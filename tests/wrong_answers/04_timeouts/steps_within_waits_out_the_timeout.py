"""Topic 04, wrong: steps_within sleeps out the whole timeout before returning, even when every step finished early."""
import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    async def one(job):
        try:
            return await asyncio.wait_for(job(), timeout)
        except TimeoutError:
            return None
    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def steps_within(steps, timeout):
    results = []

    async def run():
        for step in steps:
            results.append(await step())

    task = asyncio.create_task(run())
    await asyncio.sleep(timeout)          # returns at the deadline even when all steps are done
    task.cancel()
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
