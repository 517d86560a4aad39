"""Starts threads, then waits for them in a busy loop (`while thread.is_alive(): pass`) on the event loop."""

import asyncio
import threading


def start(func, results, index):
    def run():
        results[index] = func()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


async def run_blocking(func):
    results = [None]
    thread = start(func, results, 0)
    while thread.is_alive():
        pass
    return results[0]


async def run_all_blocking(funcs):
    results = [None] * len(funcs)
    threads = [start(func, results, i) for i, func in enumerate(funcs)]
    while any(thread.is_alive() for thread in threads):
        pass
    return results


async def process_all(items, prepare, upload):
    async def process(item):
        return await upload(await run_blocking(lambda: prepare(item)))

    return await asyncio.gather(*(process(item) for item in items))
