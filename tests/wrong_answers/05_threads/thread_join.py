"""Starts threading.Thread objects and waits for them with join(), on the event loop's thread."""

import asyncio
import threading


def in_threads(funcs):
    results = [None] * len(funcs)

    def run(index, func):
        results[index] = func()

    threads = [threading.Thread(target=run, args=(i, func)) for i, func in enumerate(funcs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


async def run_blocking(func):
    return in_threads([func])[0]


async def run_all_blocking(funcs):
    return in_threads(funcs)


async def process_all(items, prepare, upload):
    prepared = in_threads([lambda item=item: prepare(item) for item in items])
    return await asyncio.gather(*(upload(p) for p in prepared))
