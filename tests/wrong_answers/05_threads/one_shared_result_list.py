"""Topic 05, wrong: run_all_blocking and process_all return one module-level list, emptied and refilled by each call."""

import asyncio

_results = []


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(f) for f in funcs))


async def process_all(items, prepare, upload):
    _results.clear()
    _results.extend([None] * len(items))

    async def one(i, item):
        _results[i] = await upload(await asyncio.to_thread(prepare, item))

    await asyncio.gather(*(one(i, it) for i, it in enumerate(items)))
    return _results
