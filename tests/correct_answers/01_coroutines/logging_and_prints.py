# Correct: the obvious logic plus logging.getLogger(__name__) calls and print() inside the coroutines.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio
import logging

log = logging.getLogger(__name__)


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    print(f"greet: waiting {delay} s before greeting {name}")
    log.info("greet(%r, %r) starts", name, delay)
    await asyncio.sleep(delay)
    log.warning("greet(%r) done", name)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    log.warning("countdown from %d, tick %s", n, tick)
    for i in range(n, 0, -1):
        print("countdown:", i)
        await say(i)
        if i != 1:
            await asyncio.sleep(tick)
    print("countdown: liftoff")


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    log.debug("running %s%r", getattr(coro_fn, "__name__", coro_fn), args)
    result = asyncio.run(coro_fn(*args))
    print("run: got", repr(result))
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(run(greet, "world", 1))
