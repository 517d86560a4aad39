"""Topic 07, wrong: ticker keeps a metronome and skips the numbers whose moment passed while the consumer was busy."""

import asyncio
import contextlib


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    i = 0
    while i < n:
        deadline = start + (i + 1) * interval
        await asyncio.sleep(deadline - loop.time())
        yield i
        i += 1
        # catch up: skip ticks whose time has already passed
        while i < n and start + (i + 1) * interval < loop.time():
            i += 1


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
