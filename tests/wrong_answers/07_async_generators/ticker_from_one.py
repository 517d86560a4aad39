"""ticker yields 1 to count instead of 0 to count - 1."""

import asyncio

async def ticker(n, interval):
    for i in range(1, n + 1):
        await asyncio.sleep(interval)
        yield i

async def read_lines(source):
    try:
        while True:
            line = await source.readline()
            if not line:
                break
            yield line.rstrip("\n")
    finally:
        await source.close()

async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
