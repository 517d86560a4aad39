"""Blocks the event loop with time.sleep before gathering."""

import asyncio
import time


async def gather_all(jobs):
    time.sleep(0.05)
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    time.sleep(0.05)
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    time.sleep(0.05)
    return await asyncio.gather(*(job() for job in jobs))
