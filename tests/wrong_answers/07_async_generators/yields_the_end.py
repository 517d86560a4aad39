"""Topic 07, wrong: read_lines yields what readline() returned before testing it, so the end's "" comes out as a line."""

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
            yield line.removesuffix("\n")
            if not line:
                break
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
