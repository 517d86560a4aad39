# Correct: executor.submit + asyncio.wrap_future, collected with asyncio.wait.
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

import asyncio
import concurrent.futures


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        return await asyncio.wrap_future(pool.submit(func))
    finally:
        pool.shutdown(wait=False)


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    funcs = list(funcs)
    if not funcs:
        return []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(funcs))
    try:
        futures = [asyncio.wrap_future(pool.submit(f)) for f in funcs]
        await asyncio.wait(futures)  # returns when all are done
        return [fut.result() for fut in futures]  # all done: result() does not block
    finally:
        pool.shutdown(wait=False)


async def process_all(items, prepare, upload):
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""
    items = list(items)
    if not items:
        return []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(items))

    async def one(item):
        prepared = await asyncio.wrap_future(pool.submit(prepare, item))
        return await upload(prepared)

    try:
        tasks = [asyncio.ensure_future(one(item)) for item in items]
        await asyncio.wait(tasks)
        return [task.result() for task in tasks]
    finally:
        pool.shutdown(wait=False)


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
