"""Topic 07, wrong: ticker runs its whole loop, yields included, under asyncio.timeout(n * interval + interval): a slow consumer's time counts."""

import asyncio


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    async with asyncio.timeout(n * interval + interval):
        for i in range(n):
            await asyncio.sleep(interval)
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
