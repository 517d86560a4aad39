"""Catch blocking calls that learner code makes on the event loop's thread.

Virtual loop time cannot see them (time.sleep(1) inside a coroutine costs 0 loop
seconds), so blockbuster watches the calls themselves: time.sleep, socket and file
I/O, lock waits such as Thread.join, input(). A blocking call made from the learner's
file while a loop runs on that thread raises blockbuster's BlockingError there, and
this guard keeps a record of it, so the grader can explain it even when the learner's
code swallows the error.
"""

from __future__ import annotations

import functools
import inspect
import linecache
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import blockbuster.blockbuster as blockbuster_impl
from blockbuster import BlockBuster, BlockingError

from .i18n import tr


@dataclass(frozen=True)
class BlockingCall:
    function: str  # e.g. "time.sleep"
    arguments: str  # e.g. "0.5"
    line: int | None  # the learner's line that led to it
    source: str

    def describe(self) -> str:
        call = f"{self.function}({self.arguments})"
        return tr("{call} (line {line}: `{source}`)", call=call, line=self.line, source=self.source) if self.line else call


@dataclass
class LoopGuard:
    learner_file: Path
    calls: list[BlockingCall] = field(default_factory=list)

    @contextmanager
    def active(self) -> Iterator[LoopGuard]:
        """Active before the learner's module is imported, so `from time import sleep` binds the watched one."""
        buster = _buster(self.learner_file)
        guard = self

        class RecordedBlockingError(BlockingError):
            def __init__(self, func: str) -> None:
                super().__init__(func)
                caller = inspect.currentframe()
                guard._record(func, caller.f_back if caller else None)

        blockbuster_impl.BlockingError = RecordedBlockingError  # type: ignore[misc]
        _LOOP_THREAD[0] = threading.get_ident()
        buster.activate()
        try:
            yield self
        finally:
            buster.deactivate()
            blockbuster_impl.BlockingError = BlockingError  # type: ignore[misc]

    def _record(self, function: str, wrapper: FrameType | None) -> None:
        args = wrapper.f_locals.get("args", ()) if wrapper else ()
        # Plain values only: the receiver of a method (a lock, a socket) says nothing to a learner.
        shown = ", ".join(_short_repr(a) for a in args if isinstance(a, (int, float, str, bytes)))
        line, source = None, ""
        frame = wrapper
        while frame is not None:
            if Path(frame.f_code.co_filename) == self.learner_file:
                line = frame.f_lineno
                source = linecache.getline(str(self.learner_file), line).strip()
                break
            frame = frame.f_back
        self.calls.append(BlockingCall(function, shown, line, source))

    def take(self) -> list[BlockingCall]:
        """The calls recorded since the last take."""
        calls, self.calls = self.calls, []
        return calls


@functools.cache
def _buster(learner_file: Path) -> BlockBuster:
    """One per file and process: making one wraps some sixty functions, and every grader activates it."""
    scanned = types.ModuleType("aiolings_learner")
    scanned.__file__ = str(learner_file)
    buster = BlockBuster(scanned_modules=[scanned])
    for name, function in buster.functions.items():
        # Logging is as legitimate in a coroutine as print: whatever its handlers write to (a
        # file, pytest's capture) is the logging setup's choice, not a mistake in the learner's code.
        function.can_block_in("logging/__init__.py", LOGGING_CALLS)
        allowed = function.can_block_predicate
        if name.startswith("threading.Lock."):
            allowed = _or(allowed, _joins_an_idle_thread)
        function.can_block_predicate = _or(_off_the_loop_thread, allowed)
    return buster


LOGGING_CALLS = {"handle", "callHandlers", "emit", "flush"}

# The thread the graded loop runs on (the one that activated the guard). A blocking call in any
# other thread, even inside a second event loop the learner started there, freezes nothing of it.
_LOOP_THREAD = [threading.get_ident()]

# Threads running a probe's blocking work at this moment (probes.BlockingJob marks its thread).
# Joining any other thread, such as a pool's worker with nothing left to do, ends at once: a
# `with ThreadPoolExecutor()` block whose results were all awaited inside it waits for nothing.
BUSY_THREADS: set[int] = set()


@contextmanager
def blocking_work() -> Iterator[None]:
    """Marks the calling thread busy with a probe's blocking work while the block runs."""
    BUSY_THREADS.add(threading.get_ident())
    try:
        yield
    finally:
        BUSY_THREADS.discard(threading.get_ident())


def _off_the_loop_thread(*_: object, **__: object) -> bool:
    return threading.get_ident() != _LOOP_THREAD[0]


def _joins_an_idle_thread(*_: object, **__: object) -> bool:
    """Whether this lock wait is Thread.join's, for a thread that runs no probe work."""
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_filename == threading.__file__ and frame.f_code.co_name in ("join", "_wait_for_tstate_lock"):
            thread = frame.f_locals.get("self")
            return isinstance(thread, threading.Thread) and thread.ident not in BUSY_THREADS
        frame = frame.f_back
    return False


def _or(first: Callable[..., bool], second: Callable[..., bool]) -> Callable[..., bool]:
    def either(*args: Any, **kwargs: Any) -> bool:
        return first(*args, **kwargs) or second(*args, **kwargs)

    return either


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
