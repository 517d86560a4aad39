"""process_all prepares every item at once in threads, then awaits each item's prepare and upload in turn: the uploads run one after another."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    prepared = [asyncio.ensure_future(asyncio.to_thread(prepare, item)) for item in items]
    results = []
    for task in prepared:  # every prepare at once, but the uploads one after another, in item order
        results.append(await upload(await task))
    return results