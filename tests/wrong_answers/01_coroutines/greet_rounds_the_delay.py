"""Topic 01, wrong: greet sleeps round(delay), so a delay of 0.73 s waits 1 s (rounded up) and 0.27 s none."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(round(delay))
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
