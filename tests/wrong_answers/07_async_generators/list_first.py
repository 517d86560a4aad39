"""Collects everything into a list first and yields from it afterwards."""

import asyncio


async def ticker(n, interval):
    numbers = []
    for i in range(n):
        await asyncio.sleep(interval)
        numbers.append(i)
    for number in numbers:
        yield number


async def read_lines(source):
    lines = []
    while line := await source.readline():
        lines.append(line.rstrip("\n"))
    await source.close()
    for line in lines:
        yield line


async def transform(source, func):
    items = [item async for item in source]
    for item in items:
        yield func(item)
