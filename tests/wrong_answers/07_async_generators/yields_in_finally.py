"""Topic 07, wrong: read_lines yields an end marker "" in its `finally:`, after the last line and after a close."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.removesuffix("\n")
    finally:
        await source.close()
        yield ""


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
