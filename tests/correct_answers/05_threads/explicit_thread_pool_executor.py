# Correct: an explicit ThreadPoolExecutor with one worker per job, kept open until every future is awaited.
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The future is awaited inside the block, so shutdown() finds nothing left to wait for.
        return await loop.run_in_executor(pool, func)


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    funcs = list(funcs)
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=max(1, len(funcs))) as pool:
        futures = [loop.run_in_executor(pool, func) for func in funcs]
        results = await asyncio.gather(*futures)
    return list(results)


async def process_all(items, prepare, upload):
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""
    items = list(items)
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=max(1, len(items)), thread_name_prefix="prepare") as pool:

        async def one(item):
            prepared = await loop.run_in_executor(pool, prepare, item)
            return await upload(prepared)

        results = await asyncio.gather(*[one(item) for item in items])
    return list(results)


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
