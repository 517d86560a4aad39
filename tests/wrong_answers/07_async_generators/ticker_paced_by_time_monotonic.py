"""Topic 07, wrong here: ticker keeps its pace by time.monotonic(), which the graders' virtual clock leaves still (right on an ordinary loop; the README says to read loop.time())."""

import asyncio
import time


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    start = time.monotonic()
    for i in range(n):
        delay = start + (i + 1) * interval - time.monotonic()
        await asyncio.sleep(max(0.0, delay))
        yield i


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    try:
        while True:
            line = await source.readline()
            if line == "":
                return
            yield line[:-1] if line.endswith("\n") else line
    finally:
        await source.close()


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
