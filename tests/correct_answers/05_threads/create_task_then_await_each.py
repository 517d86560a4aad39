# Correct: start every job as a task first, then await the running tasks one by one in order.
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

import asyncio


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    task = asyncio.create_task(asyncio.to_thread(func))
    return await task


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    tasks = [asyncio.create_task(asyncio.to_thread(f)) for f in funcs]
    results = []
    for task in tasks:  # all are already running; this only collects them in order
        results.append(await task)
    return results


async def process_all(items, prepare, upload):
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""

    async def pipeline(item):
        prepared = await asyncio.to_thread(prepare, item)
        uploaded = await upload(prepared)
        return uploaded

    tasks = [asyncio.create_task(pipeline(item)) for item in items]
    return [await task for task in tasks]


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
