"""countdown counts down to 0 included: one say too many."""

import asyncio

async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"

async def countdown(n, tick, say):
    for i in range(n, -1, -1):
        await say(i)
        if i > 0:
            await asyncio.sleep(tick)

def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
