"""Catches every exception around gather and returns an empty list."""

import asyncio


async def gather_all(jobs):
    try:
        return await asyncio.gather(*(job() for job in jobs))
    except Exception:
        return []


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    return await asyncio.gather(*(job() for job in jobs))
