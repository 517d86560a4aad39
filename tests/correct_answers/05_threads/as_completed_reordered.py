# Correct: asyncio.as_completed over indexed jobs, with the original order restored at the end.
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

import asyncio


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    return await asyncio.to_thread(func)


async def _indexed(index, awaitable):
    return index, await awaitable


async def _in_order(awaitables):
    awaitables = list(awaitables)
    results = [None] * len(awaitables)
    jobs = [_indexed(i, aw) for i, aw in enumerate(awaitables)]
    for next_done in asyncio.as_completed(jobs):
        index, value = await next_done
        results[index] = value
    return results


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    return await _in_order(asyncio.to_thread(func) for func in funcs)


async def process_all(items, prepare, upload):
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""

    async def one(item):
        return await upload(await asyncio.to_thread(prepare, item))

    return await _in_order(one(item) for item in items)


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
