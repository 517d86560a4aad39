"""asyncio.gather everywhere: a failure is raised at once, but nothing cancels the other jobs."""

import asyncio


async def run_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def run_partial(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def run_retrying(jobs, attempts):
    for attempt in range(1, attempts + 1):
        try:
            return await asyncio.gather(*(job() for job in jobs))
        except ValueError:
            if attempt == attempts:
                raise


async def run_group(jobs):
    try:
        return await asyncio.gather(*(job() for job in jobs))
    except Exception:
        return None


async def run_groups(groups, timeout):
    return await asyncio.wait_for(asyncio.gather(*(run_group(group) for group in groups)), timeout)
