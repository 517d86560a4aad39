# Correct: async generators that read through hand-written async iterator classes (__aiter__/__anext__), cleanup in finally.
"""Topic 07: async generators and `async for`."""

import asyncio


class _Ticks:
    """Async iterator: 0 .. n-1, each after `interval` seconds."""

    def __init__(self, n, interval):
        self.n, self.interval, self.i = n, interval, 0

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        await asyncio.sleep(self.interval)
        self.i += 1
        return self.i - 1


class _Lines:
    """Async iterator over a source's lines, newline removed. Does not close the source."""

    def __init__(self, source):
        self.source = source

    def __aiter__(self):
        return self

    async def __anext__(self):
        line = await self.source.readline()
        if not line:
            raise StopAsyncIteration
        return line.removesuffix("\n")


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    async for number in _Ticks(n, interval):
        yield number


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    try:
        async for line in _Lines(source):
            yield line
    finally:
        await source.close()


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    iterator = aiter(source)
    try:
        async for item in iterator:
            yield func(item)
    finally:
        await source.aclose()
