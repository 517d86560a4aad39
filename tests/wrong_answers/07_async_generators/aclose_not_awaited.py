"""transform calls source.aclose() in a finally: block, but without await: the source is never closed."""

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
    try:
        async for item in source:
            yield func(item)
    finally:
        source.aclose()  # never awaited: the source is not closed