"""run_all_blocking submits every function to a pool of its own, then waits for each with future.result() on the loop's thread."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

async def run_blocking(func):
    return await asyncio.to_thread(func)

_pool = ThreadPoolExecutor(max_workers=32)

async def run_all_blocking(funcs):
    futures = [_pool.submit(f) for f in funcs]
    return [f.result() for f in futures]

async def process_all(items, prepare, upload):
    async def one(item):
        prepared = await asyncio.to_thread(prepare, item)
        return await upload(prepared)
    return await asyncio.gather(*(one(i) for i in items))
