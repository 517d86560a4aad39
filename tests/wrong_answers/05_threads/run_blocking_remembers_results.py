"""Topic 05, wrong: run_blocking keeps each function's result and hands it back on a second call without running it."""

import asyncio

_memo = {}


async def run_blocking(func):
    if func not in _memo:
        _memo[func] = await asyncio.to_thread(func)
    return _memo[func]


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(f) for f in funcs))


async def process_all(items, prepare, upload):
    async def one(item):
        return await upload(await asyncio.to_thread(prepare, item))
    return await asyncio.gather(*(one(i) for i in items))
