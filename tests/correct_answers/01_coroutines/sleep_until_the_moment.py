"""Topic 01, correct: greet and countdown sleep until a moment on the loop's clock, in a loop that checks it ("sleep until").

The sum of a moment and a delay is a float a few ulps past the clock's tick, so the last sleep is tiny: on the
graders' virtual clock it must still move time on, as the real clock does (graders/harness/virtual_clock.py).
"""
import asyncio


async def _sleep_until(when):
    loop = asyncio.get_running_loop()
    while loop.time() < when:
        await asyncio.sleep(when - loop.time())


async def greet(name, delay):
    await _sleep_until(asyncio.get_running_loop().time() + delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    loop = asyncio.get_running_loop()
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await _sleep_until(loop.time() + tick)


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))
