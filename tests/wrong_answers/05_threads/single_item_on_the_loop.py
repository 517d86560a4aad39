"""Topic 05, wrong: process_all prepares a lone item directly ("no thread needed for one"), freezing the loop."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    if len(items) == 1:
        return [await upload(prepare(items[0]))]

    async def process(item):
        return await upload(await asyncio.to_thread(prepare, item))

    return await asyncio.gather(*(process(item) for item in items))
