"""Topic 07, wrong: ticker keeps every number it told in a list at module level and gives them all again, at once, at the start of the next call."""

import asyncio
from contextlib import aclosing


_told: list[int] = []  # every number told so far, "to catch a late listener up"


async def ticker(n, interval):
    for number in list(_told):
        yield number
    for i in range(n):
        await asyncio.sleep(interval)
        _told.append(i)
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
