"""Topic 07, wrong: ticker's first sleep is before the loop, so ticker(0, interval) yields nothing but waits interval."""

import asyncio
import contextlib


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    await asyncio.sleep(interval)
    for i in range(n):
        yield i
        if i < n - 1:
            await asyncio.sleep(interval)


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    try:
        while (line := await source.readline()) != "":
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
