"""Topic 01, wrong: greet sleeps 0.1 s at a time until the clock passes the end, overshooting `delay`."""

import asyncio


async def greet(name, delay):
    loop = asyncio.get_running_loop()
    end = loop.time() + delay
    while loop.time() < end:
        await asyncio.sleep(0.1)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
