"""Yields before waiting, so the first number comes at once; transform returns a list instead of yielding."""

import asyncio


async def ticker(n, interval):
    for i in range(n):
        yield i
        await asyncio.sleep(interval)


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.rstrip("\n")
    finally:
        await source.close()


async def transform(source, func):
    return [func(item) async for item in source]
