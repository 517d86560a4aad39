"""Topic 04, wrong: steps_within catches CancelledError inside the timeout block and goes on with the next steps."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps, timeout):
    results = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                try:
                    results.append(await step())
                except asyncio.CancelledError:
                    continue  # skip the step that got cut off
    except TimeoutError:
        pass
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
