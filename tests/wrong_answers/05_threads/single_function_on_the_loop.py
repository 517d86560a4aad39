"""Topic 05, wrong: run_all_blocking calls a lone function directly ("no thread needed for one"), freezing the loop."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    if len(funcs) == 1:
        return [funcs[0]()]
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    async def process(item):
        return await upload(await asyncio.to_thread(prepare, item))

    return await asyncio.gather(*(process(item) for item in items))
