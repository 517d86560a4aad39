"""Topic 04, wrong: run_and_clean_up hands clean_up to loop.call_soon in `finally:`, so it runs after run_and_clean_up has returned."""
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
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                results.append(await step())
    except TimeoutError:
        pass
    return results


async def run_and_clean_up(job, clean_up):
    loop = asyncio.get_running_loop()
    try:
        return await job()
    finally:
        loop.call_soon(clean_up)   # deferred: runs after this coroutine has left
