# Correct: countdown written recursively (say n, pause, then count down from n-1); run via functools.partial.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio
import functools


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    greeting = "Hello, %s!" % (name,)
    await asyncio.sleep(delay)
    return greeting


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    if n < 1:
        return
    await say(n)
    if n > 1:
        await asyncio.sleep(tick)
        await countdown(n - 1, tick, say)


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    make = functools.partial(coro_fn, *args)
    return asyncio.run(make())


if __name__ == "__main__":
    print(run(greet, "world", 1))
