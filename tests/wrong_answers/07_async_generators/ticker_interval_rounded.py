"""ticker sleeps `round(interval, 1)`: 0.8 s for 0.75, 1.2 s for 1.25; an interval of tenths keeps its pace."""
import asyncio


async def ticker(n, interval):
    step = round(interval, 1)
    for i in range(n):
        await asyncio.sleep(step)
        yield i


async def read_lines(source):
    try:
        while True:
            line = await source.readline()
            if line == "":
                break
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
