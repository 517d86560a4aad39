"""Topic 07, wrong: each loop's condition is inverted, so every generator ends without yielding anything."""

import asyncio


async def ticker(n, interval):
    i = 0
    while i > n:
        await asyncio.sleep(interval)
        yield i
        i += 1


async def read_lines(source):
    try:
        while not (line := await source.readline()):
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source, func):
    try:
        async for item in source:
            if item is None:
                yield func(item)
    finally:
        await source.aclose()
