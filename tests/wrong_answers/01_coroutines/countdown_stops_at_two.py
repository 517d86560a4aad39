"""countdown counts down with range(n, 1, -1): it never says 1."""
import asyncio

async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"

async def countdown(n, tick, say):
    for i in range(n, 1, -1):
        await say(i)
        if i > 2:
            await asyncio.sleep(tick)

def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
