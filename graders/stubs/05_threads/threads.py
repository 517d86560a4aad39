"""Topic 05: asyncio.to_thread — run blocking functions without freezing the event loop.

Here the work you are given is made of ordinary, *blocking* functions: plain `def`
functions that take a while (they wait in time.sleep, like a slow library would).
`func()` blocks until it is done and returns its result; there is nothing to await.

Called directly inside `async def`, such a function freezes the whole event loop
until it returns. Your job is to run it in a worker thread instead, and await that.

Fill in the TODOs, then check your work with:

    pytest exercises/05_threads

Read README.md in this folder first. Keep experiments under
`if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

import asyncio


async def run_blocking(func):
    """Run the blocking function `func` (no arguments) in a worker thread and return its result.

    While `func` runs, the event loop must stay free to run other tasks.
    """
    # TODO: hand func to a thread and await it.
    raise NotImplementedError("run_blocking")


async def run_all_blocking(funcs):
    """Run every blocking function in `funcs` at the same time, each in a worker thread.

    Return their results in the order of `funcs`. Total time should be that of
    the slowest function, not the sum of all of them, and the event loop must
    stay free while they run.
    """
    # TODO: start all the threads first, then wait for all of them together.
    raise NotImplementedError("run_all_blocking")


async def process_all(items, prepare, upload):
    """Put every item through two steps, all items at the same time, and return the results in order.

    `prepare(item)` is a blocking function: run it in a worker thread.
    `await upload(prepared)` is an async function: await it on the event loop with
    the value prepare returned. Return the list of upload results, in the order of
    `items`. Each item goes on to its upload as soon as its own prepare is done.
    """
    # TODO: write the two steps for one item, then run that for every item at once.
    raise NotImplementedError("process_all")


if __name__ == "__main__":
    import threading
    import time

    def hard_work():
        print(f"hard work starts on thread {threading.get_ident()}")
        time.sleep(1)  # stands for a slow library call
        return "done"

    start = time.perf_counter()
    print(asyncio.run(run_all_blocking([hard_work, hard_work, hard_work])))
    # should take about 1 s, print three different thread ids and ['done', 'done', 'done']
    print(f"took {time.perf_counter() - start:.1f} s")
