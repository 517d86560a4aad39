"""Topic 01, wrong: countdown starts every say at once with gather, each after its own sleep of k * tick: says that take time overlap."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    async def said_later(k, i):
        await asyncio.sleep(k * tick)  # each number's moment, counted from the start
        await say(i)

    await asyncio.gather(*(said_later(k, i) for k, i in enumerate(range(n, 0, -1))))


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
