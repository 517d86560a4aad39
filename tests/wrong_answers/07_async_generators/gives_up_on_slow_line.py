"""Topic 07, wrong: read_lines waits at most 5 s for a line and takes a slower one for the end of the source."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while True:
            try:
                line = await asyncio.wait_for(source.readline(), 5)
            except TimeoutError:
                break
            if not line:
                break
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
