"""ticker sleeps n times first, collects the numbers, then yields them all at once."""
import asyncio

async def ticker(n, interval):
    numbers = []
    for i in range(n):
        await asyncio.sleep(interval)
        numbers.append(i)
    for i in numbers:
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
