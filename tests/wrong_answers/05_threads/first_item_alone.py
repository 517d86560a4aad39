"""The first item goes through both steps alone, as a trial run; only then are the others started together."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    async def one(item):
        return await upload(await asyncio.to_thread(prepare, item))

    items = list(items)
    if not items:
        return []
    first = await one(items[0])
    return [first, *await asyncio.gather(*(one(item) for item in items[1:]))]
