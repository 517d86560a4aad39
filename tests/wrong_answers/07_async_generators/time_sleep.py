"""Paces the ticker with time.sleep, which freezes the event loop between numbers."""

import asyncio
import time


async def ticker(n, interval):
    for i in range(n):
        time.sleep(interval)
        yield i


async def read_lines(source):
    try:
        while line := await source.readline():
            yield line.rstrip("\n")
    finally:
        await source.close()


async def transform(source, func):
    try:
        async for item in source:
            yield func(item)
    finally:
        await source.aclose()
