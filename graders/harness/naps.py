"""Code that waits for something by sleeping and looking again (polling), seen while it waits.

A poller whose pauses happen to end just as a slot frees keeps every slot busy to the loop clock's
last digit; only where its Tasks wait tells it apart from code that waits on a Semaphore or a Queue.
Graders start a `Watch` beside the learner's call: it notes the first `asyncio.sleep` of the learner's
own that a Task the call created begins while work waits for it.
"""

from __future__ import annotations

import asyncio
import linecache
import sys
from asyncio import futures
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

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


class Watch:
    """`async with Watch(path, waiting):` around a call: the first Task the call created that began a sleep of the
    learner's own (`nap`) at a moment when `waiting()` says work was waiting for it.

    asyncio.sleep asks the running loop for its wake-up with `loop.call_later`, from its own frame, just called by
    the learner's line; the Watch hears each such request as it is made. (Looking at the Tasks every few ms of loop
    time instead moved the clock once more per look, half the CPU of the HTTP topic's graders, and missed a sleep
    shorter than the gap between looks.)
    """

    def __init__(self, path: Path, waiting: Callable[[], bool]) -> None:
        self.path, self.waiting = path, waiting
        self.nap: Nap | None = None
        self._before: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._had: dict[str, Any] = {}

    async def __aenter__(self) -> Watch:
        self._before = asyncio.all_tasks()
        self._loop = loop = asyncio.get_running_loop()
        self._had = {"call_later": vars(loop)["call_later"]} if "call_later" in vars(loop) else {}
        ask = loop.call_later

        def call_later(delay: float, callback: Callable[..., object], *args: Any, **options: Any) -> asyncio.TimerHandle:
            if self.nap is None and callback is futures._set_result_unless_cancelled:
                self._heard(sys._getframe(1))
            return ask(delay, callback, *args, **options)

        loop.call_later = call_later  # type: ignore[method-assign]
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._loop is not None
        vars(self._loop).pop("call_later", None)
        vars(self._loop).update(self._had)

    def _heard(self, frame: FrameType) -> None:
        caller = frame.f_back
        if frame.f_code is not asyncio.sleep.__code__ or caller is None or Path(caller.f_code.co_filename) != self.path:
            return
        task = asyncio.current_task()
        delay = frame.f_locals.get("delay")
        if task is None or task in self._before or not isinstance(delay, (int, float)) or delay <= 0 or not self.waiting():
            return
        line = caller.f_lineno
        self.nap = Nap(asyncio.get_running_loop().time(), line, linecache.getline(str(self.path), line).strip())
