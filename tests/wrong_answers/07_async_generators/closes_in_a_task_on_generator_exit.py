"""Topic 07, wrong: on GeneratorExit read_lines hands source.close() to a task, which runs after aclose() has returned."""

import asyncio


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    try:
        while (line := await source.readline()) != "":
            yield line.removesuffix("\n")
    except GeneratorExit:
        # "no awaiting while being closed": hand the close to the loop
        asyncio.get_running_loop().create_task(source.close())
        raise
    except BaseException:
        await source.close()
        raise
    else:
        await source.close()


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
