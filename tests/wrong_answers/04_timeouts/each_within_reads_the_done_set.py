"""Topic 04, wrong: each_within builds its list from asyncio.wait's done set when every job finishes, in the set's order."""

import asyncio


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    tasks = [asyncio.ensure_future(j()) for j in jobs]
    if not tasks:
        return []
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for t in pending:
        t.cancel()
    if not pending:
        return [t.result() for t in done]
    return [t.result() if t in done else None for t in tasks]


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline; results of those done in time."""
    results = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                results.append(await step())
    except TimeoutError:
        pass
    return results


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result; call clean_up() exactly once whatever happens."""
    try:
        return await job()
    finally:
        clean_up()

