"""run_all_blocking hands every function at once to a ThreadPoolExecutor(max_workers=1)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, func) for func in funcs))


async def process_all(items, prepare, upload):
    async def process(item):
        prepared = await asyncio.to_thread(prepare, item)
        return await upload(prepared)

    return await asyncio.gather(*(process(item) for item in items))
