"""Topic 01, wrong: countdown with a tick of 0 runs every say at once with gather, so they overlap."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    if tick == 0:  # "no pause: say them all at once": but each say is to end before the next
        await asyncio.gather(*(say(i) for i in range(n, 0, -1)))
        return
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
