# Correct: `while line := await source.readline()` inside try/finally; removesuffix for the newline.
"""Topic 07: async generators and `async for`."""

import asyncio


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    i = 0
    while i < n:
        await asyncio.sleep(interval)
        yield i
        i += 1


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    try:
        while line := await source.readline():
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
