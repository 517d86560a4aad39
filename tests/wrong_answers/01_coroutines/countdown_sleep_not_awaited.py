"""Topic 01, wrong: countdown calls asyncio.sleep(tick) without `await`, so it never pauses between the calls."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
