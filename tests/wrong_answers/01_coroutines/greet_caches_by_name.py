"""Topic 01, wrong: greet keeps greetings in a module-level dict, so a repeated name returns at once."""

import asyncio

_greeted = {}


async def greet(name, delay):
    if name not in _greeted:
        await asyncio.sleep(delay)
        _greeted[name] = f"Hello, {name}!"
    return _greeted[name]


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
