"""Topic 07, wrong: read_lines ends its finally block with `return`, which swallows the CancelledError of a
cancelled consumer."""

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
        return  # "nothing more to yield": but a return here swallows the exception passing through, CancelledError too


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
