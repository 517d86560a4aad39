"""Runs the async upload in a worker thread too, with asyncio.run starting a second event loop there."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    async def process(item):
        prepared = await asyncio.to_thread(prepare, item)
        return await asyncio.to_thread(asyncio.run, upload(prepared))

    return await asyncio.gather(*(process(item) for item in items))
