"""Closes the source after the loop and again in `finally:`, so a full read closes it twice."""

import asyncio


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.rstrip("\n")
        await source.close()
    finally:
        await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
