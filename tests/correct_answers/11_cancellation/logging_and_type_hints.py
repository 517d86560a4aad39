# Correct: the reference idioms with type hints, logging, print() calls, `except CancelledError: ...; raise` for a log line, and a demo under __main__.
"""Topic 11: cancellation — cleanup, shield, graceful shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Closable(Protocol):
    async def close(self) -> None: ...


async def run_job(job: Callable[[], Awaitable[Any]], connection: Closable) -> Any:
    try:
        return await job()
    except asyncio.CancelledError:
        log.info("run_job cancelled; closing the connection")
        raise
    finally:
        await connection.close()
        print("connection closed")


async def save(prepare: Callable[[], Awaitable[Any]], commit: Callable[[Any], Awaitable[Any]]) -> Any:
    value = await prepare()
    log.info("committing %r", value)
    return await asyncio.shield(commit(value))


async def shut_down(tasks: Sequence[asyncio.Task[Any]], stop: asyncio.Event, grace: float
                    ) -> tuple[list[int], list[int]]:
    stop.set()
    done, pending = await asyncio.wait(tasks, timeout=grace)
    log.info("%d workers stopped in time, %d to cancel", len(done), len(pending))
    for task in pending:
        task.cancel()
    results = await asyncio.gather(*pending, return_exceptions=True)
    print("cleanup over:", results)
    finished = [i for i, task in enumerate(tasks) if task in done]
    cancelled = [i for i, task in enumerate(tasks) if task in pending]
    return finished, cancelled


async def run_steps(steps: Sequence[Callable[[], Awaitable[Any]]], step_timeout: float,
                    total_timeout: float) -> list[Any]:
    results: list[Any] = []
    async with asyncio.timeout(total_timeout):
        for number, step in enumerate(steps):
            try:
                async with asyncio.timeout(step_timeout):
                    results.append(await step())
            except TimeoutError:
                log.warning("step %d ran out of time", number)
                results.append(None)
    return results


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)

    async def step(seconds: float) -> float:
        await asyncio.sleep(seconds)
        return seconds

    print(asyncio.run(run_steps([lambda: step(0.1), lambda: step(2)], 0.5, 5)))  # [0.1, None]
