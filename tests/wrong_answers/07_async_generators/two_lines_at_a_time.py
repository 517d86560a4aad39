"""read_lines reads two lines before yielding either: each line waits for the next one to be read."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while True:
            first = await source.readline()
            second = await source.readline()
            if first:
                yield first.rstrip("\n")
            if second:
                yield second.rstrip("\n")
            if not first or not second:
                break
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
