"""Topic 05, wrong: the results lists outlive the call (a mutable default, a module-level list), so a second call returns the first one's results too."""

import asyncio

_results = []


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs, results=[]):
    results.extend(await asyncio.gather(*(asyncio.to_thread(func) for func in funcs)))
    return results


async def process_all(items, prepare, upload):
    async def process(item):
        return await upload(await asyncio.to_thread(prepare, item))

    _results.extend(await asyncio.gather(*(process(item) for item in items)))
    return _results
