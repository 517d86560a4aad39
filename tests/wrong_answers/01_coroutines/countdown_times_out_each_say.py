"""Topic 01, wrong: countdown limits each say to one tick with wait_for, so a slower say is cancelled."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        try:
            await asyncio.wait_for(say(i), timeout=tick)
        except asyncio.TimeoutError:
            pass
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
