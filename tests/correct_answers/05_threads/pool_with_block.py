"""Runs the functions in a ThreadPoolExecutor `with` block, every result awaited inside it.

The block's shutdown joins the pool's threads on the loop's thread, but only once they have
nothing left to do, so it ends at once: the loop is not held.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def run_blocking(func):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:
        return await loop.run_in_executor(pool, func)


async def run_all_blocking(funcs):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, func) for func in funcs))


async def process_all(items, prepare, upload):
    async def process(item):
        prepared = await asyncio.to_thread(prepare, item)
        return await upload(prepared)

    return await asyncio.gather(*(process(item) for item in items))
