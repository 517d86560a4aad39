# Correct: pauses built from loop.create_future() + loop.call_later() instead of asyncio.sleep.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio


async def _pause(seconds):
    """Wait `seconds` without blocking: a future that a timer callback resolves."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    handle = loop.call_later(seconds, lambda: done.done() or done.set_result(None))
    try:
        await done
    finally:
        handle.cancel()


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    await _pause(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await _pause(tick)


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    return asyncio.run(coro_fn(*args))


if __name__ == "__main__":
    print(run(greet, "world", 1))
