# Correct: countdown consumes an async generator that yields n..1 and sleeps between yields; greet awaits a sleep task.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    await asyncio.create_task(asyncio.sleep(delay))
    return f"Hello, {name}!"


async def _ticks(n, tick):
    """Yield n, n-1, ..., 1 with a pause of `tick` seconds between two numbers."""
    for i in range(n, 0, -1):
        yield i
        if i > 1:
            await asyncio.sleep(tick)


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    async for i in _ticks(n, tick):
        await say(i)


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    return asyncio.run(coro_fn(*args))


if __name__ == "__main__":
    print(run(greet, "world", 1))
