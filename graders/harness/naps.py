"""Code that waits for something by sleeping and looking again (polling), seen while it waits.

A poller whose pauses happen to end just as a slot frees keeps every slot busy to the loop clock's
last digit; only where its Tasks wait tells it apart from code that waits on a Semaphore or a Queue.
Graders start a `Watch` beside the learner's call: every LOOK_EVERY seconds of loop time it looks at
the Tasks the call created, and notes the first found asleep in an `asyncio.sleep` of the learner's own.
"""

from __future__ import annotations

import asyncio
import linecache
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

LOOK_EVERY = 0.037  # seconds of loop time: often, and off the round times that jobs and pauses end at


@dataclass(frozen=True)
class Nap:
    at: float  # loop time
    line: int
    source: str  # the learner's line that called asyncio.sleep


def awaiting(task: asyncio.Task[Any]) -> list[FrameType]:
    """The frames of a suspended Task, outermost first: its coroutine, and each coroutine (or generator) it awaits."""
    frames: list[FrameType] = []
    step: Any = task.get_coro()
    while step is not None and len(frames) < 100:
        frame = getattr(step, "cr_frame", None) or getattr(step, "gi_frame", None) or getattr(step, "ag_frame", None)
        if frame is None:
            break
        frames.append(frame)
        step = getattr(step, "cr_await", None) or getattr(step, "gi_yieldfrom", None) or getattr(step, "ag_await", None)
    return frames


def asleep(task: asyncio.Task[Any], path: Path) -> Nap | None:
    """Where `task` sleeps, if it is suspended in an `asyncio.sleep` of positive length called from the file at `path`."""
    frames = awaiting(task)
    for caller, frame in zip(frames, frames[1:]):
        if frame.f_code is asyncio.sleep.__code__ and Path(caller.f_code.co_filename) == path:
            delay = frame.f_locals.get("delay")
            if isinstance(delay, (int, float)) and delay > 0:
                line = caller.f_lineno
                return Nap(asyncio.get_running_loop().time(), line, linecache.getline(str(path), line).strip())
    return None


class Watch:
    """`async with Watch(path, waiting):` around a call: the first Task the call created found asleep in a sleep of
    the learner's own (`nap`) at a moment when `waiting()` says work was waiting for it."""

    def __init__(self, path: Path, waiting: Callable[[], bool]) -> None:
        self.path, self.waiting = path, waiting
        self.nap: Nap | None = None
        self._before: set[asyncio.Task[Any]] = set()
        self._looking: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Watch:
        self._before = asyncio.all_tasks()
        self._looking = asyncio.create_task(self._look())
        self._before.add(self._looking)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._looking is not None
        self._looking.cancel()
        await asyncio.gather(self._looking, return_exceptions=True)

    async def _look(self) -> None:
        while self.nap is None:
            await asyncio.sleep(LOOK_EVERY)
            if not self.waiting():
                continue
            for task in asyncio.all_tasks() - self._before:
                if not task.done() and (nap := asleep(task, self.path)) is not None:
                    self.nap = nap
                    return
