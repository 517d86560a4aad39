"""Topic 07, wrong: ticker counts with a module-level variable, so a second call goes on from where the
first one stopped."""

import asyncio

count = 0


async def ticker(n, interval):
    global count
    for _ in range(n):
        await asyncio.sleep(interval)
        yield count
        count += 1


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
