"""countdown hands each say(i) to create_task and returns before the last one has run."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        asyncio.create_task(say(i))


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
