"""Topic 01, wrong: greet puts only the first word of the name in the greeting."""

import asyncio


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    await asyncio.sleep(delay)
    first = name.split()[0] if name.strip() else name
    return f"Hello, {first}!"


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    return asyncio.run(coro_fn(*args))


if __name__ == "__main__":
    print(run(greet, "world", 1))
