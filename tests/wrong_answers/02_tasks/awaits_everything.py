"""Awaits each job right away: no tasks run in the background, nothing overlaps."""

import asyncio


async def start_in_background(job):
    return await job()


async def run_all(jobs):
    results = []
    for job in jobs:
        task = asyncio.create_task(job())
        results.append(await task)
    return results


async def first_finished(jobs):
    results = await asyncio.gather(*(job() for job in jobs))
    return results[0]
