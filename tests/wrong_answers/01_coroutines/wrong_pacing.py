"""Sleeps before every call, including the first, and waits a fixed second in greet."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(1.25)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
