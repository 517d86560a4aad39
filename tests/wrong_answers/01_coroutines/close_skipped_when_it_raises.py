"""Topic 01, wrong: run closes its loop after run_until_complete, a line an exception skips."""

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
    loop = asyncio.new_event_loop()
    result = loop.run_until_complete(coro_fn(*args))
    loop.close()
    return result
