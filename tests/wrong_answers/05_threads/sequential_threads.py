"""Awaits each to_thread inside a for loop: every call is off the loop, but one thread at a time."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    results = []
    for func in funcs:
        results.append(await asyncio.to_thread(func))
    return results


async def process_all(items, prepare, upload):
    results = []
    for item in items:
        prepared = await asyncio.to_thread(prepare, item)
        results.append(await upload(prepared))
    return results
