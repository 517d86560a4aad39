"""Topic 03, correct: the jobs run on the loop; an audit line per call is written through asyncio.to_thread (a thread for file I/O, not for jobs)."""

import asyncio
import os

_AUDIT = os.devnull  # a file like any other, which leaves nothing behind


def _write_audit(line):
    with open(_AUDIT, "a") as f:
        f.write(line + "\n")


async def gather_all(jobs):
    results = await asyncio.gather(*(j() for j in jobs))
    await asyncio.to_thread(_write_audit, f"gather_all: {len(jobs)} jobs")
    return results


async def gather_settled(jobs):
    results = await asyncio.gather(*(j() for j in jobs), return_exceptions=True)
    await asyncio.to_thread(_write_audit, f"gather_settled: {len(jobs)} jobs")
    return results


async def gather_limited(jobs, limit):
    sem = asyncio.Semaphore(limit)

    async def one(job):
        async with sem:
            return await job()

    results = await asyncio.gather(*(one(j) for j in jobs))
    await asyncio.to_thread(_write_audit, f"gather_limited: {len(jobs)} jobs, limit {limit}")
    return results
