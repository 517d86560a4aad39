"""Topic 07, wrong: the first readline() comes before the `try:`, so a cancel while waiting for it leaves the source open."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    line = await source.readline()
    try:
        while line:
            yield line.removesuffix("\n")
            line = await source.readline()
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
