"""greet busy-waits on time.time() for `delay` seconds instead of sleeping."""

import asyncio
import time


async def greet(name, delay):
    t = time.time()
    while time.time() - t < delay:
        pass
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
