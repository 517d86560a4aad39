"""Runs the functions in a ThreadPoolExecutor `with` block, whose shutdown waits for threads on the loop."""

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
