# Correct: one threading.Thread per job, handing its result back to an asyncio future via call_soon_threadsafe.
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

import asyncio
import threading


def _start_in_thread(func, *args):
    """Start func(*args) in a new thread; return an asyncio future for its result."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def deliver(ok, value):
        if future.cancelled():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def worker():
        try:
            value = func(*args)
        except BaseException as exc:  # hand every failure back to the awaiting task
            loop.call_soon_threadsafe(deliver, False, exc)
        else:
            loop.call_soon_threadsafe(deliver, True, value)

    threading.Thread(target=worker, daemon=True).start()
    return future


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    return await _start_in_thread(func)


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    futures = [_start_in_thread(f) for f in funcs]
    return await asyncio.gather(*futures)


async def process_all(items, prepare, upload):
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""

    async def one(item):
        return await upload(await _start_in_thread(prepare, item))

    return await asyncio.gather(*(one(item) for item in items))


if __name__ == "__main__":
    import time

    def hard_work():
        print(f"hard work starts on thread {threading.get_ident()}")
        time.sleep(1)
        return "done"

    start = time.perf_counter()
    print(asyncio.run(run_all_blocking([hard_work, hard_work, hard_work])))
    print(f"took {time.perf_counter() - start:.1f} s")
