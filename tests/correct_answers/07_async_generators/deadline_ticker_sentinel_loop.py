# Correct: ticker sleeps until absolute deadlines on loop.time() (no drift); read_lines loops over iter(int, 1) until the empty line.
"""Topic 07: async generators and `async for`."""

import asyncio


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    loop = asyncio.get_running_loop()
    next_tick = loop.time()
    for i in range(n):
        next_tick += interval
        await asyncio.sleep(max(0.0, next_tick - loop.time()))
        yield i


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    try:
        for _ in iter(int, 1):  # forever, until the empty line
            line = await source.readline()
            if line == "":
                break
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    try:
        async for item in source:
            result = func(item)
            yield result
    finally:
        await source.aclose()
