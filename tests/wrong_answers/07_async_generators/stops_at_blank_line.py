"""read_lines takes a blank line for the end of the source."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while True:
            line = await source.readline()
            if not line.strip():
                break
            yield line.rstrip("\n")
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
