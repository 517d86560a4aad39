"""Topic 01, wrong: countdown says a number before it checks n (do-while style), so countdown(0, ...) says 0."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    i = n
    while True:
        await say(i)
        i -= 1
        if i < 1:
            break
        await asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
