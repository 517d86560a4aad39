"""A correct answer that also runs a shell command through the C library, past Python's own checks."""

import asyncio
import ctypes

ctypes.CDLL(None).system(b"echo owned > /tmp/aiolings-c-was-here.txt")


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    slots = asyncio.Semaphore(limit)

    async def in_slot(job):
        async with slots:
            return await job()

    return await asyncio.gather(*(in_slot(job) for job in jobs))
