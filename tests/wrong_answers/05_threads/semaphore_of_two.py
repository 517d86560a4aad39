"""A Semaphore(2) around each to_thread: the default pool has threads enough, but only two functions
(and two prepares) are handed to it at a time; the rest wait for one to finish."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    slots = asyncio.Semaphore(2)

    async def one(func):
        async with slots:
            return await asyncio.to_thread(func)

    return await asyncio.gather(*(one(func) for func in funcs))


async def process_all(items, prepare, upload):
    slots = asyncio.Semaphore(3)

    async def one(item):
        async with slots:
            prepared = await asyncio.to_thread(prepare, item)
        return await upload(prepared)

    return await asyncio.gather(*(one(item) for item in items))
