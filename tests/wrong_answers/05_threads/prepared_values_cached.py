"""Topic 05, wrong: process_all caches prepared values by item at module level, so a later call with a new prepare gets the old value."""

import asyncio

_prepared = {}


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    async def process(item):
        if item not in _prepared:
            _prepared[item] = await asyncio.to_thread(prepare, item)
        return await upload(_prepared[item])

    return await asyncio.gather(*(process(item) for item in items))
