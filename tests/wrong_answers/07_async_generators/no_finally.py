"""Cleans up after the loop, which an early stop never reaches; keeps the newlines."""

import asyncio


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    while line := await source.readline():
        yield line
    await source.close()


async def transform(source, func):
    async for item in source:
        yield func(item)
