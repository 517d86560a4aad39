"""Topic 05, wrong: run_all_blocking keys its calls by function, so a function listed twice runs only once."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    calls = {func: asyncio.to_thread(func) for func in funcs}  # a second entry replaces the first
    results = dict(zip(calls, await asyncio.gather(*calls.values())))
    return [results[func] for func in funcs]


async def process_all(items, prepare, upload):
    async def process(item):
        return await upload(await asyncio.to_thread(prepare, item))

    return await asyncio.gather(*(process(item) for item in items))
