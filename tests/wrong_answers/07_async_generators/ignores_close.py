"""Catches GeneratorExit to keep reading to the end, so it yields again after being closed."""

import asyncio


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    while line := await source.readline():
        try:
            yield line.rstrip("\n")
        except GeneratorExit:
            continue
    await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
