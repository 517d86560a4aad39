"""Topic 03, correct: a side Task wakes every 0.5 s to note how many jobs are done; it holds no seat, and is cancelled at the end."""

import asyncio
import contextlib
import logging

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def _progress(state, total):
    async def monitor():
        while True:
            await asyncio.sleep(0.5)
            log.debug("progress: %d/%d done, %d running", state["done"], total, state["running"])

    task = asyncio.create_task(monitor())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _counted(state, job):
    async def run():
        state["running"] += 1
        try:
            return await job()
        finally:
            state["running"] -= 1
            state["done"] += 1
    return run


async def gather_all(jobs):
    state = {"done": 0, "running": 0}
    async with _progress(state, len(jobs)):
        return await asyncio.gather(*(_counted(state, j)() for j in jobs))


async def gather_settled(jobs):
    state = {"done": 0, "running": 0}
    async with _progress(state, len(jobs)):
        return await asyncio.gather(*(_counted(state, j)() for j in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    state = {"done": 0, "running": 0}
    sem = asyncio.Semaphore(limit)

    async def one(job):
        async with sem:
            return await _counted(state, job)()

    async with _progress(state, len(jobs)):
        return await asyncio.gather(*(one(j) for j in jobs))
