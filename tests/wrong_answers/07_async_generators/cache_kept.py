"""Topic 07, wrong: transform caches func(item) per item at module level, so a later call with another
func gets the results of the first."""

import asyncio

cache = {}


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


async def transform(source, func):
    try:
        async for item in source:
            if item not in cache:
                cache[item] = func(item)
            yield cache[item]
    finally:
        await source.aclose()
