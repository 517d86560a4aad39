# Correct: functools.partial to bind arguments, run_in_executor / to_thread with the bound callable.
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

import asyncio
import functools


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    return await asyncio.to_thread(functools.partial(func))


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    return await asyncio.gather(*map(run_blocking, funcs))


async def _step(item, *, prepare, upload):
    loop = asyncio.get_running_loop()
    prepared = await loop.run_in_executor(None, functools.partial(prepare, item))
    return await upload(prepared)


async def process_all(items, prepare, upload):
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""
    step = functools.partial(_step, prepare=prepare, upload=upload)
    return await asyncio.gather(*map(step, items))


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
