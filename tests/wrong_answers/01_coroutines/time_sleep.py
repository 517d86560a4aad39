"""Pauses with time.sleep, which freezes the event loop."""

import asyncio
import time


async def greet(name, delay):
    time.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            time.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
