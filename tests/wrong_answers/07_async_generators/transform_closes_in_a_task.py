"""Topic 07, wrong: transform's finally hands source.aclose() to a task, so the source is closed after transform's aclose() returned."""

import asyncio
import contextlib


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


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
        asyncio.create_task(source.aclose())
