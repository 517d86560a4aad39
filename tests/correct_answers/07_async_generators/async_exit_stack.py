# Correct: contextlib.AsyncExitStack registers each source's close callback; ticker uses sleep(interval, result).
"""Topic 07: async generators and `async for`."""

import asyncio
from contextlib import AsyncExitStack


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    for i in range(n):
        yield await asyncio.sleep(interval, result=i)


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    async with AsyncExitStack() as stack:
        stack.push_async_callback(source.close)
        line = await source.readline()
        while line:
            yield line.rstrip("\n")
            line = await source.readline()


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    async with AsyncExitStack() as stack:
        stack.push_async_callback(source.aclose)
        async for item in source:
            yield func(item)
