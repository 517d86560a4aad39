"""Topic 07, wrong: read_lines closes its source only if a module-level flag says no call closed one yet,
so every call after the first leaves its source open."""

import asyncio

closed = False


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    global closed
    try:
        while line := await source.readline():
            yield line.removesuffix("\n")
    finally:
        if not closed:
            closed = True
            await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
