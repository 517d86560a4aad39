# Correct: type-hinted gather / semaphore solution with a timing `if __name__ == "__main__":` demo at the bottom.
"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
Job = Callable[[], Awaitable[T]]


async def gather_all(jobs: Sequence[Job[T]]) -> list[T]:
    """Run every job at the same time and return their results, in the order of `jobs`."""
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs: Sequence[Job[T]]) -> list[T | BaseException]:
    """Like gather_all, but a job that fails does not spoil the others."""
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs: Sequence[Job[T]], limit: int) -> list[T]:
    """Run the jobs concurrently, but never more than `limit` of them at the same moment."""
    semaphore = asyncio.Semaphore(limit)

    async def limited(job: Job[T]) -> T:
        async with semaphore:
            return await job()

    return await asyncio.gather(*(limited(job) for job in jobs))


if __name__ == "__main__":
    import time

    def sleeper(name: str, seconds: float) -> Job[str]:
        async def job() -> str:
            await asyncio.sleep(seconds)
            return name
        return job

    async def demo() -> None:
        jobs = [sleeper("a", 0.2), sleeper("b", 0.1), sleeper("c", 0.15)]
        start = time.perf_counter()
        print(await gather_all(jobs), f"{time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        print(await gather_limited(jobs, 2), f"{time.perf_counter() - start:.2f} s")

    asyncio.run(demo())
