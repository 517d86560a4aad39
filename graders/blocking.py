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
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

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
    for function in buster.functions.values():
        # Logging is as legitimate in a coroutine as print: whatever its handlers write to (a
        # file, pytest's capture) is the logging setup's choice, not a mistake in the learner's code.
        function.can_block_in("logging/__init__.py", LOGGING_CALLS)
    return buster


LOGGING_CALLS = {"handle", "callHandlers", "emit", "flush"}


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
