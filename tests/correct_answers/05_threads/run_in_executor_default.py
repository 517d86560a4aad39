# Correct: loop.run_in_executor on the default executor, gathered.
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

import asyncio


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, func)


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(None, func) for func in funcs]
    return list(await asyncio.gather(*futures))


async def process_all(items, prepare, upload):
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""
    loop = asyncio.get_running_loop()

    async def one(item):
        prepared = await loop.run_in_executor(None, prepare, item)
        return await upload(prepared)

    return list(await asyncio.gather(*(one(item) for item in items)))


if __name__ == "__main__":
    import threading
    import time

    def hard_work():
        print(f"hard work starts on thread {threading.get_ident()}")
        time.sleep(1)
        return "done"

    start = time.perf_counter()
    print(asyncio.run(run_all_blocking([hard_work, hard_work, hard_work])))
    print(f"took {time.perf_counter() - start:.1f} s")
