"""Topic 07: async generators and `async for`.

An `async def` function with `yield` in it is an async generator: it hands out items one at a
time and may `await` between them. Its consumer reads it with `async for item in gen(...)`.
Each function below is an async generator: replace the `raise` with a body that yields.

Fill in the TODOs, then check your work with:

    pytest exercises/07_async_generators

Read README.md in this folder first.
"""

import asyncio


async def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    # TODO: a for loop with await asyncio.sleep(...) and yield.
    raise NotImplementedError("ticker")


async def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline.

    `await source.readline()` gives the next line ("" once there are no more lines), and
    `await source.close()` releases the source. Close it exactly once when you are done,
    also when the consumer stops early (breaks out of its `async for`).
    """
    # TODO: read and yield in a loop; close the source in a `finally:` block.
    raise NotImplementedError("read_lines")


async def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives.

    When the consumer stops early, close `source` too (`await source.aclose()`).
    """
    # TODO: async for over source, yield func(item); close source in a `finally:` block.
    raise NotImplementedError("transform")
