"""run_and_clean_up calls clean_up() in except CancelledError and again in finally: twice when cancelled."""
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
    return await asyncio.gather(*(one(j) for j in jobs))

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
    except asyncio.CancelledError:
        clean_up()
        raise
    finally:
        clean_up()
