"""Leaves the ThreadPoolExecutor's `with` block before awaiting: its shutdown waits on the loop for the work."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def run_blocking(func):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:
        future = loop.run_in_executor(pool, func)
    return await future


async def run_all_blocking(funcs):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:
        futures = [loop.run_in_executor(pool, func) for func in funcs]
    return await asyncio.gather(*futures)


async def process_all(items, prepare, upload):
    async def process(item):
        prepared = await asyncio.to_thread(prepare, item)
        return await upload(prepared)

    return await asyncio.gather(*(process(item) for item in items))
