"""Topic 01, wrong: run catches the coroutine's exception and raises a RuntimeError in its place."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    try:
        return asyncio.run(coro_fn(*args))
    except Exception as error:
        raise RuntimeError(f"coroutine failed: {error}") from error
