"""Sleeps with time.sleep inside a coroutine, freezing the event loop."""

import asyncio
import time


async def gather_all(jobs):
    time.sleep(0.1)
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    time.sleep(0.1)
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    time.sleep(0.1)
    return await asyncio.gather(*(job() for job in jobs))
