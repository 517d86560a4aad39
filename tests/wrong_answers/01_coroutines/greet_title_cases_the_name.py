"""Topic 01, wrong: greet title-cases the name, so "McIntyre" comes back as "Mcintyre"."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name.title()}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
