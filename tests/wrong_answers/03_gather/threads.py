"""Runs each coroutine in its own thread with its own event loop."""

import asyncio


async def gather_all(jobs):
    return await asyncio.gather(*(asyncio.to_thread(asyncio.run, job()) for job in jobs))


async def gather_settled(jobs):
    try:
        return await gather_all(jobs)
    except Exception:
        return []


async def gather_limited(jobs, limit):
    return await gather_all(jobs)
