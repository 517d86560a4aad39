"""Topic 05, wrong: process_all puts each result at items.index(item), so an item listed twice leaves its second place None."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(f) for f in funcs))


async def process_all(items, prepare, upload):
    results = [None] * len(items)

    async def one(item):
        value = await upload(await asyncio.to_thread(prepare, item))
        results[items.index(item)] = value

    await asyncio.gather(*(one(i) for i in items))
    return results
