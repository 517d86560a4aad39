"""Puts the `try: ... finally: close()` around each yield, so it closes the source after every line and reads on."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    while line := await source.readline():
        try:
            yield line.rstrip("\n")
        finally:
            await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
