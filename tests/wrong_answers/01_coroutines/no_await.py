"""Forgets `await`: asyncio.sleep(...) and say(i) create coroutines that never run."""

import asyncio


async def greet(name, delay):
    asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        say(i)
        await asyncio.sleep(tick)


def run(coro_fn, *args):
    return coro_fn(*args)
