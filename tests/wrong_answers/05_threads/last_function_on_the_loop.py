"""Topic 05, wrong: run_all_blocking hands all but the last function to threads and calls the last one on the loop."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    tasks = [asyncio.create_task(asyncio.to_thread(func)) for func in funcs[:-1]]
    await asyncio.sleep(0)  # the others start meanwhile
    last = funcs[-1]()
    return [*await asyncio.gather(*tasks), last]


async def process_all(items, prepare, upload):
    async def process(item):
        return await upload(await asyncio.to_thread(prepare, item))

    return await asyncio.gather(*(process(item) for item in items))
