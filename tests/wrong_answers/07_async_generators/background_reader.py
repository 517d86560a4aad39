"""read_lines reads ahead in a background task, which goes on reading after the generator is closed."""

import asyncio
from contextlib import aclosing


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    lines = asyncio.Queue()

    async def read_ahead():
        while line := await source.readline():
            await lines.put(line.rstrip("\n"))
        await lines.put(None)

    asyncio.create_task(read_ahead())
    try:
        while (line := await lines.get()) is not None:
            yield line
    finally:
        await source.close()


async def transform(source, func):
    async with aclosing(source):
        async for item in source:
            yield func(item)
