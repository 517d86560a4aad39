"""A pool of two threads: correct results, but the other functions wait for a free thread."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=2)


async def run_blocking(func):
    return await asyncio.get_running_loop().run_in_executor(POOL, func)


async def run_all_blocking(funcs):
    loop = asyncio.get_running_loop()
    return await asyncio.gather(*(loop.run_in_executor(POOL, func) for func in funcs))


async def process_all(items, prepare, upload):
    loop = asyncio.get_running_loop()

    async def process(item):
        prepared = await loop.run_in_executor(POOL, prepare, item)
        return await upload(prepared)

    return await asyncio.gather(*(process(item) for item in items))
