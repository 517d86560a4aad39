# Correct: type-hinted wait_for / asyncio.timeout solution with an `if __name__ == "__main__":` demo at the bottom.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
F = TypeVar("F")
Job = Callable[[], Awaitable[T]]


async def with_deadline(job: Job[T], timeout: float, fallback: F) -> T | F:
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback


async def each_within(jobs: Sequence[Job[T]], timeout: float) -> list[T | None]:
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    return await asyncio.gather(*(with_deadline(job, timeout, None) for job in jobs))


async def steps_within(steps: Sequence[Job[T]], timeout: float) -> list[T]:
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    results: list[T] = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                results.append(await step())
    except TimeoutError:
        pass
    return results


async def run_and_clean_up(job: Job[T], clean_up: Callable[[], object]) -> T:
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    try:
        return await job()
    finally:
        clean_up()


if __name__ == "__main__":
    def sleeper(seconds: float, value: str) -> Job[str]:
        async def job() -> str:
            await asyncio.sleep(seconds)
            return value
        return job

    async def demo() -> None:
        print(await with_deadline(sleeper(0.3, "slow"), 0.1, "fallback"))  # fallback
        print(await each_within([sleeper(0.05, "a"), sleeper(0.3, "b")], 0.1))  # ['a', None]
        print(await steps_within([sleeper(0.05, "s1"), sleeper(0.05, "s2"), sleeper(0.05, "s3")], 0.12))
        print(await run_and_clean_up(sleeper(0.01, "done"), lambda: print("cleaned up")))

    asyncio.run(demo())
