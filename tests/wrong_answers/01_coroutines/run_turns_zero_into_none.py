"""Topic 01, wrong: run returns the coroutine's result only when it is true, and None for a result of 0."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    result = asyncio.run(coro_fn(*args))
    return result if result else None

