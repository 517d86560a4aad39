"""Topic 07, wrong: read_lines takes off the newline first and then stops at an empty line, so a blank line ends it."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while True:
            line = (await source.readline()).removesuffix("\n")
            if not line:
                break
            yield line
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
