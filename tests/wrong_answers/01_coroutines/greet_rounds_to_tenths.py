"""Topic 01, wrong: greet sleeps for the delay rounded to a tenth of a second, `round(delay, 1)`."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(round(delay, 1))  # "a tenth of a second is precise enough"
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
