"""Topic 05, wrong: a pool of four threads, so a fifth function or item waits for a free thread."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=4) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, func) for func in funcs))


async def process_all(items, prepare, upload):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=4) as pool:
        async def process(item):
            return await upload(await loop.run_in_executor(pool, prepare, item))

        return await asyncio.gather(*(process(item) for item in items))
