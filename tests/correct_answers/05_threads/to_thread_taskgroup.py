# Correct: asyncio.to_thread inside an asyncio.TaskGroup, results read from the tasks afterwards.
"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop."""

import asyncio


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result."""
    result = await asyncio.to_thread(func)
    return result


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread."""
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(asyncio.to_thread(func)) for func in funcs]
    return [task.result() for task in tasks]


async def _prepare_then_upload(item, prepare, upload):
    prepared = await asyncio.to_thread(prepare, item)
    return await upload(prepared)


async def process_all(items, prepare, upload):
    """Put every item through prepare (in a thread) then upload (on the loop), all at once."""
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(_prepare_then_upload(item, prepare, upload)) for item in items]
    return [task.result() for task in tasks]


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
