"""Tasks made in the learner's place: a task factory a grader installs for one call, Tasks and Futures hashed by rank.

A set of Tasks or Futures (asyncio.wait's `done` and `pending`) lists them by their hashes, which are their
addresses: code that reads results in a set's order was right on some runs and wrong on others, for the same file
and seed. Objects hashed by a rank the grader gives them sit in the same order on every run.
"""

from __future__ import annotations

import asyncio
import itertools
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


# Ranks count down from here: a set's slot is the hash modulo its size, so the objects made last sit first.
RANKS = 1 << 20


@contextmanager
def ranked(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """While active, the Tasks and Futures made on `loop` (run_in_executor's and to_thread's, through
    loop.create_future) are hashed by the order they were made in, later first: results read in the order of
    asyncio.wait's `done` come out the same on every run, and backwards on every seed."""
    counter = itertools.count(1)
    had = {"create_future": vars(loop)["create_future"]} if "create_future" in vars(loop) else {}

    def make(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> asyncio.Task[Any]:
        return RankedTask(coro, loop=loop, rank=RANKS - next(counter), **options)

    def create_future() -> asyncio.Future[Any]:
        return RankedFuture(loop=loop, rank=RANKS - next(counter))

    loop.create_future = create_future  # type: ignore[method-assign]
    try:
        with task_factory(loop, make):
            yield
    finally:
        vars(loop).pop("create_future", None)
        vars(loop).update(had)
