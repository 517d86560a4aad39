"""Topic 01, wrong: greet drops the letters of the name beyond ASCII."""

import asyncio


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    await asyncio.sleep(delay)
    safe = name.encode("ascii", "ignore").decode("ascii")
    return f"Hello, {safe}!"


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
