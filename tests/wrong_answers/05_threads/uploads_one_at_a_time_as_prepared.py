"""Topic 05, wrong: every prepare runs in a thread, but the uploads run one at a time, in the order the prepares finish."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*(asyncio.to_thread(func) for func in funcs))


async def process_all(items, prepare, upload):
    async def prepared(i, item):
        return i, await asyncio.to_thread(prepare, item)

    results = [None] * len(items)
    for next_ready in asyncio.as_completed([prepared(i, item) for i, item in enumerate(items)]):
        i, value = await next_ready
        results[i] = await upload(value)  # the next item's upload waits for this one to end
    return results
