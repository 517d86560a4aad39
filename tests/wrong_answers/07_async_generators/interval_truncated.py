"""ticker sleeps int(interval): whole seconds only, so its pace is wrong whenever the interval has a fraction."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(int(interval))  # whole seconds only: 0.75 becomes 0, 1.5 becomes 1
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
