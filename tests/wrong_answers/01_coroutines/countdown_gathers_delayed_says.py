"""Topic 01, wrong: countdown gathers one delayed say per number, so the calls overlap when say takes time."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    async def later(i, delay):
        await asyncio.sleep(delay)
        await say(i)

    await asyncio.gather(*(later(i, (n - i) * tick) for i in range(n, 0, -1)))


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
