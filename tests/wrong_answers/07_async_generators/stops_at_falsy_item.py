"""Topic 07, wrong: transform loops `while item := await anext(it, None)`, which ends at the first falsy item (0)."""

import asyncio


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.removesuffix("\n")
    finally:
        await source.close()


async def transform(source, func):
    it = aiter(source)
    try:
        while item := await anext(it, None):
            yield func(item)
    finally:
        await source.aclose()
