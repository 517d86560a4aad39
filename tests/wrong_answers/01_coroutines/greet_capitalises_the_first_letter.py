"""Topic 01, wrong: greet puts a capital at the start of the name, which is then not the name as given (van Rossum)."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name[:1].upper() + name[1:]}!"  # a capital at the start, "as a name should have"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
