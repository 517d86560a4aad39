"""Topic 05, wrong: run_all_blocking puts each result at funcs.index(func), so a function listed twice leaves its second place None."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    results = [None] * len(funcs)

    async def one(f):
        results[funcs.index(f)] = await asyncio.to_thread(f)

    await asyncio.gather(*(one(f) for f in funcs))
    return results


async def process_all(items, prepare, upload):
    async def one(item):
        return await upload(await asyncio.to_thread(prepare, item))
    return await asyncio.gather(*(one(i) for i in items))
