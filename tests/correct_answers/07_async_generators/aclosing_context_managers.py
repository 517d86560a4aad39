# Correct: cleanup through async context managers: an @asynccontextmanager for the source, contextlib.aclosing in transform.
"""Topic 07: async generators and `async for`."""

import asyncio
from contextlib import aclosing, asynccontextmanager


@asynccontextmanager
async def opened(source):
    """Hand out `source` and close it exactly once when the block ends, however it ends."""
    try:
        yield source
    finally:
        await source.close()


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    for number in range(n):
        await asyncio.sleep(interval)
        yield number


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    async with opened(source) as src:
        while True:
            line = await src.readline()
            if line == "":
                break
            yield line[:-1] if line.endswith("\n") else line


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    async with aclosing(source) as items:
        async for item in items:
            yield func(item)
