"""Type hints, a dataclass for the report, and logging of every step."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class Report:
    processed: int = 0
    failed: list[object] = field(default_factory=list)


async def run_pipeline(
    sources: list[AsyncIterable[T]],
    process: Callable[[T], Awaitable[object]],
    consumers: int,
    maxsize: int,
) -> tuple[int, list[object]]:
    queue: asyncio.Queue[T] = asyncio.Queue(maxsize)
    report = Report()

    async def produce(number: int, source: AsyncIterable[T]) -> None:
        async for item in source:
            log.debug("producer %d: putting %r (%d waiting)", number, item, queue.qsize())
            await queue.put(item)
        log.info("producer %d: done", number)

    async def consume(number: int) -> None:
        while True:
            item = await queue.get()
            log.debug("consumer %d: took %r", number, item)
            try:
                await process(item)
            except Exception:
                log.warning("consumer %d: %r failed", number, item, exc_info=True)
                report.failed.append(item)
            else:
                report.processed += 1
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume(n)) for n in range(consumers)]
    try:
        await asyncio.gather(*(produce(n, s) for n, s in enumerate(sources)))
        await queue.join()
        log.info("all %d items done", report.processed + len(report.failed))
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return report.processed, report.failed


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG)
