"""Tasks made in the learner's place: a task factory a grader installs for one call, and Tasks hashed by rank.

A set of Tasks or Futures (asyncio.wait's `done` and `pending`) lists them by their hashes, which are their
addresses: code that reads results in a set's order was right on some runs and wrong on others, for the same file
and seed. Objects hashed by a rank the grader gives them sit in the same order on every run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any


class GraderTask(asyncio.Task):  # type: ignore[type-arg]
    """A Task a grader's task factory made. Python 3.13's loop.create_task calls `set_name(name)` on what a factory
    made even when no name was given (None): that keeps the name the Task has, as a name given still replaces it."""

    def set_name(self, value: object) -> None:
        if value is not None:
            super().set_name(value)


class RankedTask(GraderTask):
    """A Task hashed by `rank`: small distinct ranks, or ranks counting down from one number, sit in a set's slots
    in the same order on every run."""

    def __init__(self, coro: Coroutine[Any, Any, Any], *, loop: asyncio.AbstractEventLoop, rank: int,
                 **options: Any) -> None:
        self.rank = rank  # first: the new Task is hashed as it is registered
        super().__init__(coro, loop=loop, **options)

    def __hash__(self) -> int:
        return self.rank

    def __eq__(self, other: object) -> bool:
        return self is other


class RankedFuture(asyncio.Future):  # type: ignore[type-arg]
    """A Future hashed by `rank`, as `RankedTask` is."""

    def __init__(self, *, loop: asyncio.AbstractEventLoop, rank: int) -> None:
        self.rank = rank
        super().__init__(loop=loop)

    def __hash__(self) -> int:
        return self.rank

    def __eq__(self, other: object) -> bool:
        return self is other


TaskMaker = Callable[..., asyncio.Task[Any]]  # (loop, coro, **options), as a task factory is called


@contextmanager
def task_factory(loop: asyncio.AbstractEventLoop, make: TaskMaker) -> Iterator[None]:
    """While active, the Tasks made on `loop` come from `make`; a factory the learner's code installed goes first."""
    before = loop.get_task_factory()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> asyncio.Future[Any]:
        if before is not None:
            return before(loop, coro, **options)
        return make(loop, coro, **options)

    loop.set_task_factory(factory)
    try:
        yield
    finally:
        loop.set_task_factory(before)
