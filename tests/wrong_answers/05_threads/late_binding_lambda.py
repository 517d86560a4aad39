"""Topic 05, wrong: `lambda: f()` / `lambda: prepare(item)` made in a comprehension look their variable up late, so every thread calls the last one."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    return await asyncio.gather(*[asyncio.to_thread(lambda: f()) for f in funcs])


async def process_all(items, prepare, upload):
    async def finish(preparing):
        return await upload(await preparing)

    return await asyncio.gather(*[finish(asyncio.to_thread(lambda: prepare(item))) for item in items])
