"""Topic 07, wrong: read_lines catches CancelledError and returns, so its cancelled consumer sees an ordinary end
of the lines instead of ending cancelled (the source is still closed, in `finally:`)."""

import asyncio


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.removesuffix("\n")
    except asyncio.CancelledError:
        return  # the cancellation ends here: the consumer's task finishes as if the lines had run out
    finally:
        await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
