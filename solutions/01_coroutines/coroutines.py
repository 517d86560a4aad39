"""Topic 01, reference solution."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
