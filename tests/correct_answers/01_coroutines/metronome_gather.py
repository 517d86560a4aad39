# Correct: countdown as a metronome: each say(i) runs together with its tick pause via asyncio.gather, so numbers come every `tick` s.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    for i in range(n, 1, -1):
        await asyncio.gather(say(i), asyncio.sleep(tick))
    if n >= 1:
        await say(1)


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    return asyncio.run(coro_fn(*args))


if __name__ == "__main__":
    print(run(greet, "world", 1))
