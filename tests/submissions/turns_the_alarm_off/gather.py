"""Turns off the grader's alarm, then spins: the parent must still stop it after one grader's limit."""

import asyncio
import signal


async def gather_all(jobs):
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True:
        pass


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    return await asyncio.gather(*(job() for job in jobs))
