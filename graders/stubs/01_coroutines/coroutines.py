"""Topic 01: coroutines — async def, await, asyncio.sleep and asyncio.run.

Fill in the TODOs, then check your work with:

    pytest exercises/01_coroutines

Read README.md in this folder first. Keep experiments under
`if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

import asyncio


async def greet(name, delay):
    """Wait `delay` seconds without blocking the event loop, then return "Hello, <name>!"."""
    # TODO: await asyncio.sleep(...), then return the greeting.
    raise NotImplementedError("greet")


async def countdown(n, tick, say):
    """Call `await say(i)` for i = n, n-1, ..., 1, waiting `tick` seconds between two calls.

    `say` is an async function: `say(3)` only creates a coroutine; `await say(3)` runs it.
    Do not wait after the last call.
    """
    # TODO: a loop, an await for each say(...), and a pause between them.
    raise NotImplementedError("countdown")


def run(coro_fn, *args):
    """A plain function: run the coroutine `coro_fn(*args)` to the end and return its result.

    Use asyncio.run: it creates an event loop, runs the coroutine and closes the loop.
    """
    # TODO: one line with asyncio.run.
    raise NotImplementedError("run")


if __name__ == "__main__":
    print(run(greet, "world", 1))  # prints "Hello, world!" after one second
