"""Topic 04, wrong: steps_within starts the first step as a Task before it looks at the timeout, and for a timeout of 0
returns [] without cancelling it: the step runs on to its end."""

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
    if steps:
        first = asyncio.create_task(steps[0]())
        if timeout <= 0:
            return results  # no time for any step: but the first goes on
        steps = [lambda: first, *steps[1:]]
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
