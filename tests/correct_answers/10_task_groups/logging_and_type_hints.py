# Correct: the reference idioms with type hints, logging, print() calls and a demo under __main__.
"""Topic 10: task groups — structured concurrency and ExceptionGroup."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
Job = Callable[[], Awaitable[T]]

log = logging.getLogger(__name__)


async def run_all(jobs: Sequence[Job[T]]) -> list[T]:
    log.info("running %d jobs", len(jobs))
    async with asyncio.TaskGroup() as tg:
        tasks: list[asyncio.Task[T]] = [tg.create_task(job()) for job in jobs]  # type: ignore[arg-type]
    return [task.result() for task in tasks]


async def run_partial(jobs: Sequence[Job[Any]]) -> list[Any]:
    tasks: list[asyncio.Task[Any]] = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]  # type: ignore[arg-type]
    except* Exception as failed:
        log.warning("%d job(s) failed: %s", len(failed.exceptions), failed.exceptions)
        print("some jobs failed; the others were cancelled")
    return [None if t.cancelled() else t.exception() or t.result() for t in tasks]


async def run_retrying(jobs: Sequence[Job[T]], attempts: int) -> list[T]:
    for attempt in range(1, attempts + 1):
        try:
            results = await run_all(jobs)
        except* ValueError as failed:
            log.warning("attempt %d/%d: %d ValueError(s)", attempt, attempts, len(failed.exceptions))
            if attempt == attempts:
                raise
        else:
            print(f"succeeded on attempt {attempt}")
            return results
    raise AssertionError("unreachable when attempts >= 1")


async def run_group(jobs: Sequence[Job[T]]) -> list[T] | None:
    try:
        return await run_all(jobs)
    except* Exception as failed:
        log.warning("a group failed: %r", failed)
    return None


async def run_groups(groups: Sequence[Sequence[Job[T]]], timeout: float) -> list[list[T] | None]:
    try:
        async with asyncio.timeout(timeout):
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(run_group(group)) for group in groups]
    except TimeoutError:
        log.error("deadline of %s s passed", timeout)
        raise
    return [task.result() for task in tasks]


if __name__ == "__main__":
    async def job(name: str, seconds: float, error: type[Exception] | None = None) -> str:
        try:
            await asyncio.sleep(seconds)
            if error:
                raise error(name)
            return name
        finally:
            print("cleanup of", name)

    logging.basicConfig(level=logging.INFO)
    print(asyncio.run(run_partial([lambda: job("a", 1), lambda: job("b", 0.5, KeyError)])))
