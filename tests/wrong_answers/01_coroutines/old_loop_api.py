"""Uses the deprecated get_event_loop().run_until_complete and never closes the loop; sleeps after the last call."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello {name}"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        await asyncio.sleep(tick)


def run(coro_fn, *args):
    loop = asyncio.new_event_loop()
    return loop.run_until_complete(coro_fn(*args))
