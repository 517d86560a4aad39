"""Topic 07, wrong: ticker sleeps `interval or 1`, so an interval of 0 becomes a pause of a second."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval or 1)  # "no interval given": but 0 is an interval, of no time
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.rstrip("\n")
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
