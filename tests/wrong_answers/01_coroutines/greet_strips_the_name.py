"""Topic 01, wrong: greet strips the spaces off the ends of the name, which is then not the name as given."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name.strip()}!"  # tidies the name up: it is no longer the name as given


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
