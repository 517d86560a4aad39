"""A Lock per function ("it may not be thread-safe"): a function listed twice waits for its own first run to end."""
import asyncio
from collections import defaultdict


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    locks = defaultdict(asyncio.Lock)

    async def one(f):
        async with locks[f]:
            return await asyncio.to_thread(f)
    return await asyncio.gather(*(one(f) for f in funcs))


async def process_all(items, prepare, upload):
    async def one(item):
        return await upload(await asyncio.to_thread(prepare, item))
    return await asyncio.gather(*(one(i) for i in items))
