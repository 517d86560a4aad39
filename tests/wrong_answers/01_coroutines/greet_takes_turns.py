"""Topic 01, wrong: greet sleeps under a module-level asyncio.Lock, so two greetings at once take turns."""

import asyncio


import threading
_lock = threading.Lock()
_busy = {"n": 0}
_cond = None


async def greet(name, delay):
    global _cond
    loop = asyncio.get_running_loop()
    if _cond is None or getattr(_cond, "_aiolings_loop", None) is not loop:
        _cond = asyncio.Lock()
        _cond._aiolings_loop = loop
    async with _cond:
        await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))

