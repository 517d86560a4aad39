# Correct: type hints (AsyncIterator / Protocol), aclosing in transform, and an `if __name__ == "__main__":` demo with an async comprehension.
"""Topic 07: async generators and `async for`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class LineSource(Protocol):
    async def readline(self) -> str: ...
    async def close(self) -> None: ...


async def ticker(n: int, interval: float) -> AsyncIterator[int]:
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source: LineSource) -> AsyncIterator[str]:
    """Yield the lines of `source` one at a time, without their trailing newline."""
    try:
        while True:
            line: str = await source.readline()
            if not line:
                return
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source: AsyncGenerator[T, None], func: Callable[[T], R]) -> AsyncIterator[R]:
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    async with aclosing(source):
        async for item in source:
            yield func(item)


if __name__ == "__main__":

    class FakeFile:
        def __init__(self, text: str) -> None:
            self._lines = text.splitlines(keepends=True)

        async def readline(self) -> str:
            await asyncio.sleep(0.1)
            return self._lines.pop(0) if self._lines else ""

        async def close(self) -> None:
            print("closed")

    async def main() -> None:
        print([n async for n in ticker(3, 0.2)])
        async with aclosing(transform(read_lines(FakeFile("a\nbb\nccc\n")), len)) as lengths:
            async for length in lengths:
                print(length)
                if length == 2:
                    break

    asyncio.run(main())
