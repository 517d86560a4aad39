"""Topic 01, wrong: countdown starts each say(i) as a Task and gathers them at the end, so a slow say overlaps the next."""

import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    tasks = []
    for i in range(n, 0, -1):
        tasks.append(asyncio.create_task(say(i)))
        if i > 1:
            await asyncio.sleep(tick)
    await asyncio.gather(*tasks)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
