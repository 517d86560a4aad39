"""Calls the blocking functions directly inside the coroutines, freezing the event loop."""

import asyncio


async def run_blocking(func):
    return func()


async def run_all_blocking(funcs):
    return [func() for func in funcs]


async def process_all(items, prepare, upload):
    async def process(item):
        prepared = prepare(item)
        return await upload(prepared)

    return await asyncio.gather(*(process(item) for item in items))
