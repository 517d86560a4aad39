"""Topic 04, wrong: with_deadline races the job against a sleep task and never cancels the timer when the job wins."""
import asyncio


async def with_deadline(job, timeout, fallback):
    task = asyncio.create_task(job())
    timer = asyncio.create_task(asyncio.sleep(timeout))
    try:
        done, _ = await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        task.cancel()
        raise
    if task in done:
        return task.result()   # timer task left sleeping until the full timeout
    task.cancel()
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
    try:
        return await job()
    finally:
        clean_up()
