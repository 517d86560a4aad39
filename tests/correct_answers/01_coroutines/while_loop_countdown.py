# Correct: countdown as a while loop that decrements n and pauses only while numbers remain; greet with an f-string-free concatenation.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    await asyncio.sleep(delay)
    return "Hello, " + str(name) + "!"


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    while n > 0:
        await say(n)
        n -= 1
        if n:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    coro = coro_fn(*args)
    result = asyncio.run(coro)
    return result


if __name__ == "__main__":
    print(run(greet, "world", 1))
