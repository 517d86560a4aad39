# Correct: fully type-hinted version with a richer `if __name__ == "__main__":` demo at the bottom.
"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


async def greet(name: str, delay: float) -> str:
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def countdown(n: int, tick: float, say: Callable[[int], Awaitable[object]]) -> None:
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls."""
    for step, i in enumerate(range(n, 0, -1)):
        if step:
            await asyncio.sleep(tick)
        await say(i)


def run(coro_fn: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result."""
    return asyncio.run(coro_fn(*args))


if __name__ == "__main__":
    async def shout(i: int) -> None:
        print(f"{i}!")

    async def demo() -> str:
        await countdown(3, 0.5, shout)
        return await greet("world", 1)

    print(run(demo))
    print(run(greet, "world", 1))
