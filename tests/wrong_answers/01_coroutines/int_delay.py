"""Rounds the delay down to whole seconds, as if asyncio.sleep took only ints."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(int(delay))
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(int(tick))
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
