"""Calls asyncio.run inside greet, which already runs in the event loop."""

import asyncio


async def greet(name, delay):
    asyncio.run(asyncio.sleep(delay))
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
