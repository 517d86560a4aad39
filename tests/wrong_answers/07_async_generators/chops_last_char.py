"""read_lines drops the newline with line[:-1], which also eats the last letter of a last line without one."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line[:-1]
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
