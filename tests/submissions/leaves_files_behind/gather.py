"""Leaves files where every user may write, by ways the audit hook does not see: they must not outlive the run."""

import asyncio
import os

for folder in ("/tmp", "/var/tmp", "/dev/shm"):
    if os.path.isdir(folder):
        try:
            os.mkfifo(os.path.join(folder, "aiolings-left-behind"))
        except OSError:
            pass


async def gather_all(jobs):
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    slots = asyncio.Semaphore(limit)

    async def one(job):
        async with slots:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))
