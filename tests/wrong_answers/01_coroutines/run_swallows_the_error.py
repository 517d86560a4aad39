"""Topic 01, wrong: run catches whatever the coroutine raises, prints it and returns None: the caller never
learns that the work failed."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        if i != n:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn, *args):
    try:
        return asyncio.run(coro_fn(*args))
    except Exception as error:
        print(f"failed: {error}")
        return None
