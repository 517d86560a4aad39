# Correct: checks that say and coro_fn are async functions (inspect.iscoroutinefunction, inspect.signature) and logs their names.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

import asyncio
import inspect
import logging

log = logging.getLogger(__name__)


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n, tick, say):
    if not inspect.iscoroutinefunction(say) or len(inspect.signature(say).parameters) != 1:
        raise TypeError(f"say must be an async function of one number, got {say!r}")
    log.debug("counting down from %d with %s", n, say.__name__)
    for i in range(n, 0, -1):
        await say(i)
        if i > 1:
            await asyncio.sleep(tick)


def run(coro_fn, *args):
    if not inspect.iscoroutinefunction(coro_fn):
        raise TypeError(f"coro_fn must be an async function, got {coro_fn!r}")
    log.debug("running %s", coro_fn.__name__)
    return asyncio.run(coro_fn(*args))
