"""Topic 01, wrong: greet waits `delay or 1`, so a delay of 0 waits a second."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay or 1)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
