"""read_lines calls source.close() in finally, but without await: the close never runs."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.rstrip("\n")
    finally:
        source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
