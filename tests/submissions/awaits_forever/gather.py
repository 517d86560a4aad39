"""Every function waits for an event nobody sets."""

import asyncio


async def gather_all(jobs):
    await asyncio.Event().wait()


async def gather_settled(jobs):
    await asyncio.Event().wait()


async def gather_limited(jobs, limit):
    await asyncio.Event().wait()
