"""Topic 01, wrong: countdown pauses `tick or 1`, so a tick of 0 becomes a pause of a second."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick or 1)  # "no tick given": but 0 is a tick, of no time
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
