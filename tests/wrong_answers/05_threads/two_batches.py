"""Prepares every item first, then uploads them all: each step is concurrent, but items wait for the slowest."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    prepared = await asyncio.gather(*(asyncio.to_thread(prepare, item) for item in items))
    return await asyncio.gather(*(upload(p) for p in prepared))
