"""Topic 07, wrong: ticker tests the count only after each yield, so ticker(0, ...) still yields 0."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    i = 0
    while True:
        await asyncio.sleep(interval)
        yield i
        i += 1
        if i >= n:
            break


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
