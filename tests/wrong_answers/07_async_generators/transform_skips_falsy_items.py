"""Topic 07, wrong: transform skips the falsy items of its source (`if item:`), so a 0 is never passed on."""

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
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            if item:  # "nothing to transform"
                yield func(item)
