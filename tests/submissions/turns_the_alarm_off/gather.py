"""Turns off the grader's alarm, then never gives the loop back: the parent must still stop it after one grader's limit.

It waits rather than spins: the parent cannot tell the two apart, and a spin would burn a core for
the limit and the parent's grace (2.5 s of CPU in every run of the project's tests).
"""

import asyncio
import signal


async def gather_all(jobs):
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True:
        signal.pause()


async def gather_settled(jobs):
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    return await asyncio.gather(*(job() for job in jobs))
