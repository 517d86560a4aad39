"""Topic 04, wrong: each_within treats a timeout of 0 (or less) as no deadline."""
import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    async def one(job):
        try:
            return await asyncio.wait_for(job(), timeout if timeout > 0 else None)
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
