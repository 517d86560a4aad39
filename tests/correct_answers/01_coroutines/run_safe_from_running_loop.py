# Correct: run() uses asyncio.run directly, or in a helper thread when a loop already runs here (notebook-style); greet waits via asyncio.timeout on an Event.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio
import concurrent.futures


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    try:
        async with asyncio.timeout(delay):
            await asyncio.Event().wait()  # never set: the deadline ends the wait after `delay` s
    except TimeoutError:
        pass
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    for i in range(n, 0, -1):
        await say(i)
        if i == 1:
            break
        await asyncio.sleep(tick)


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no loop running in this thread
        return asyncio.run(coro_fn(*args))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro_fn(*args)).result()


if __name__ == "__main__":
    print(run(greet, "world", 1))
