"""Functions and items in batches of three: each batch at once, the next only when the whole batch is done."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    funcs = list(funcs)
    results = []
    for start in range(0, len(funcs), 3):
        results += await asyncio.gather(*(asyncio.to_thread(f) for f in funcs[start:start + 3]))
    return results


async def process_all(items, prepare, upload):
    async def one(item):
        return await upload(await asyncio.to_thread(prepare, item))

    items = list(items)
    results = []
    for start in range(0, len(items), 3):
        results += await asyncio.gather(*(one(item) for item in items[start:start + 3]))
    return results
