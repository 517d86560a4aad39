"""Topic 05, wrong: run_all_blocking reads the results off asyncio.wait's `done` set, whose order is not the order of funcs."""

import asyncio


async def run_blocking(func):
    return await asyncio.to_thread(func)


async def run_all_blocking(funcs):
    tasks = [asyncio.create_task(asyncio.to_thread(func)) for func in funcs]
    done, _ = await asyncio.wait(tasks)
    return [task.result() for task in done]


async def process_all(items, prepare, upload):
    async def process(item):
        prepared = await asyncio.to_thread(prepare, item)
        return await upload(prepared)

    return await asyncio.gather(*(process(item) for item in items))
