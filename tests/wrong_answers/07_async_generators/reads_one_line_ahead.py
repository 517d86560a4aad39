"""read_lines reads the next line before it yields the current one: every line waits for the one after it, and
a consumer cancelled while it waits may find its line already there."""
import asyncio


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        current = await source.readline()
        while current != "":
            nxt = await source.readline()
            yield current.removesuffix("\n")
            current = nxt
    finally:
        await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
