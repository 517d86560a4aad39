"""ticker waits until (i + 1) × interval of the loop's own time, not of the call's: right only when the call starts
at loop time 0."""
import asyncio


async def ticker(n, interval):
    loop = asyncio.get_running_loop()
    t = 0.0
    for i in range(n):
        t += interval
        await asyncio.sleep(max(0.0, t - loop.time()))
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
