"""Topic 07, wrong: read_lines closes its source at the end of the lines and on GeneratorExit (a close),
but not when its consumer is cancelled while it waits for a line: CancelledError is not GeneratorExit."""

import asyncio


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.removesuffix("\n")
    except GeneratorExit:
        await source.close()
        raise
    await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
