"""run returns the coroutine object from a plain function instead of running it."""
import asyncio

async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"

async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)

def run(coro_fn, *args):
    return coro_fn(*args)
