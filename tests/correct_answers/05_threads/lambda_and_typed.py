# Correct: asyncio.to_thread with lambdas binding the arguments, type hints, gather(return_exceptions=False).
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


async def run_blocking(func: Callable[[], T]) -> T:
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    return await asyncio.to_thread(lambda: func())


async def run_all_blocking(funcs: Iterable[Callable[[], T]]) -> list[T]:
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    pending = [asyncio.to_thread(lambda f=f: f()) for f in funcs]
    return await asyncio.gather(*pending)


async def process_all(
    items: Iterable[Any],
    prepare: Callable[[Any], Any],
    upload: Callable[[Any], Awaitable[T]],
) -> list[T]:
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""

    async def handle(item: Any) -> T:
        prepared = await asyncio.to_thread(lambda: prepare(item))
        return await upload(prepared)

    return await asyncio.gather(*[handle(item) for item in items])


if __name__ == "__main__":
    import threading
    import time

    def hard_work():
        print(f"hard work starts on thread {threading.get_ident()}")
        time.sleep(1)
        return "done"

    start = time.perf_counter()
    print(asyncio.run(run_all_blocking([hard_work, hard_work, hard_work])))
    print(f"took {time.perf_counter() - start:.1f} s")
