"""Topic 05, wrong: process_all handles each distinct item once (a dict keyed by item), so an item listed twice is prepared once."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    async def process(item):
        return await upload(await asyncio.to_thread(prepare, item))

    distinct = list(dict.fromkeys(items))
    done = dict(zip(distinct, await asyncio.gather(*(process(item) for item in distinct))))
    return [done[item] for item in items]
