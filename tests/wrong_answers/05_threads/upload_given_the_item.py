"""Topic 05, wrong: process_all prepares each item but uploads the item itself, not the value prepare returned."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    async def process(item):
        await asyncio.to_thread(prepare, item)
        return await upload(item)

    return await asyncio.gather(*(process(item) for item in items))
