# Correct: run() uses the asyncio.Runner context manager (Python 3.11+), which closes its loop on exit like asyncio.run.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    await asyncio.sleep(delay)
    return "Hello, {}!".format(name)


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    numbers = list(range(n, 0, -1))
    for position, i in enumerate(numbers):
        await say(i)
        if position < len(numbers) - 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    with asyncio.Runner() as runner:
        return runner.run(coro_fn(*args))


if __name__ == "__main__":
    print(run(greet, "world", 1))
