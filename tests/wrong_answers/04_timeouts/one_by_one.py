"""Gives each job its own timeout, but one job after another; lets the steps' TimeoutError escape."""

import asyncio


async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs, timeout):
    results = []
    for job in jobs:
        results.append(await with_deadline(job, timeout, None))
    return results


async def steps_within(steps, timeout):
    results = []
    async with asyncio.timeout(timeout):
        for step in steps:
            results.append(await step())
    return results


async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
