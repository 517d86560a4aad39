"""Topic 01, wrong: countdown pauses `round(tick, 1)` seconds, not `tick` itself."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(round(tick, 1))


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
