"""Topic 04, wrong: with_deadline uses asyncio.timeout_at(timeout), a moment on the loop's clock: right only when the clock reads 0."""
import asyncio


async def with_deadline(job, timeout, fallback):
    # learner confused timeout_at (a loop-clock deadline) with timeout (seconds from now)
    try:
        async with asyncio.timeout_at(timeout):
            return await job()
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
    try:
        return await job()
    finally:
        clean_up()
