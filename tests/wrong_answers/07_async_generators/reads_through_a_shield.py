"""Topic 07, wrong: read_lines reads with asyncio.shield(source.readline()): cancelled, it closes the source while the read goes on."""

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
        while (line := await asyncio.shield(source.readline())) != "":
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
