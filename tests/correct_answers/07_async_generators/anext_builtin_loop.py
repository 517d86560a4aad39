# Correct: explicit anext() / StopAsyncIteration loop in transform, a flag-guarded close in read_lines.
"""Topic 07: async generators and `async for`."""

import asyncio


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    for value in range(n):
        await asyncio.sleep(interval)
        yield value


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    closed = False
    try:
        while True:
            line = await source.readline()
            if not line:
                break
            if line.endswith("\n"):
                line = line[:-1]
            yield line
        closed = True
        await source.close()
    finally:
        if not closed:
            await source.close()


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    try:
        while True:
            try:
                item = await anext(source)
            except StopAsyncIteration:
                return
            yield func(item)
    finally:
        await source.aclose()
