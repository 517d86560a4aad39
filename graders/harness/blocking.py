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
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import blockbuster.blockbuster as blockbuster_impl
from blockbuster import BlockBuster, BlockBusterFunction, BlockingError

from ..i18n import tr


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

    @property
    def watched(self) -> str:
        return str(self.learner_file)

    @contextmanager
    def active(self) -> Iterator[LoopGuard]:
        """Active before the learner's module is imported, so `from time import sleep` binds the watched one."""
        _buster()
        _LOOP_THREAD[0] = threading.get_ident()
        _WATCHING[0] = self
        try:
            yield self
        finally:
            _WATCHING[0] = None

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
def _buster() -> BlockBuster:
    """One per process, its functions wrapped by the first guard and never put back: making one wraps some sixty
    functions (some on built-in types, through forbiddenfruit), and wrapping them and putting them back around every
    grader was a tenth of the graders' CPU. It scans no module: which calls are the learner's is for
    `_not_the_learners` to tell, from the file of the guard active at the time."""
    buster = BlockBuster()
    if JOIN_WAITS_IN_C:
        join = BlockBusterFunction(threading.Thread, "join",
                                   can_block_functions=list(buster.functions["threading.Lock.acquire"].can_block_functions),
                                   can_block_predicate=_join_ends_at_once)
        join.full_name = "threading.Lock.acquire"  # the wait 3.11 reports for it, and the name graders look for
        buster.functions["threading.Thread.join"] = join
    for name, function in buster.functions.items():
        # Logging is as legitimate in a coroutine as print: whatever its handlers write to (a
        # file, pytest's capture) is the logging setup's choice, not a mistake in the learner's code.
        function.can_block_in("logging/__init__.py", LOGGING_CALLS)
        allowed = function.can_block_predicate
        if name.startswith("threading.Lock."):
            allowed = _or(allowed, _joins_an_idle_thread)
        function.can_block_predicate = _or(_off_the_loop_thread, _or(_not_the_learners, allowed))
    blockbuster_impl.BlockingError = _RecordedBlockingError  # type: ignore[misc]
    with SWAPPING:
        buster.activate()
    return buster


class _RecordedBlockingError(BlockingError):
    """What a blocked call raises: recorded by the active guard, so the grader can explain it even when the learner's
    code swallows the error."""

    def __init__(self, func: str) -> None:
        super().__init__(func)
        guard, caller = _WATCHING[0], inspect.currentframe()
        if guard is not None:
            guard._record(func, caller.f_back if caller else None)


# The guard active now, if any: only its file's calls are watched.
_WATCHING: list[LoopGuard | None] = [None]


def _not_the_learners(*_: object, **__: object) -> bool:
    """Whether no frame of the active guard's file is on the calling stack (or no guard is active): as blockbuster tells
    a scanned module's frames, by the start of their file's name."""
    guard = _WATCHING[0]
    if guard is None:
        return True
    watched = guard.watched
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.startswith(watched):
            return False
        frame = frame.f_back
    return True


LOGGING_CALLS = {"handle", "callHandlers", "emit", "flush"}

# Up to 3.12, Thread.join waits in a Lock.acquire that blockbuster watches. Since 3.13 it waits
# inside C (the thread's handle), which no wrapper sees: there the guard watches Thread.join itself
# and lets through exactly the joins that 3.11 lets through (_join_ends_at_once).
JOIN_WAITS_IN_C = sys.version_info >= (3, 13)

# Held while blockbuster swaps functions in, which it does for every thread at once (once a process,
# see `_buster`). Since 3.12 shutil.rmtree keeps os.rmdir (one of them) on a stack and later tests
# `func is os.rmdir`: a swap in between, from the first grader starting in another thread, breaks the
# removal with "AssertionError: assert func is os.lstat". Code that removes trees beside graders holds it too.
SWAPPING = threading.Lock()

# The thread the graded loop runs on (the one that activated the guard). A blocking call in any
# other thread, even inside a second event loop the learner started there, freezes nothing of it.
_LOOP_THREAD = [threading.get_ident()]

# Threads running a probe's blocking work at this moment (probes.BlockingJob marks its thread).
# Joining any other thread, such as a pool's worker with nothing left to do, ends at once: a
# `with ThreadPoolExecutor()` block whose results were all awaited inside it waits for nothing.
BUSY_THREADS: set[int] = set()
# How many pieces of a probe's blocking work each thread has started: a join that waited while
# this changed waited for probe work, even if the thread was not busy yet when the join began.
WORK_STARTED: Counter[int] = Counter()


@contextmanager
def blocking_work() -> Iterator[None]:
    """Marks the calling thread busy with a probe's blocking work while the block runs."""
    WORK_STARTED[threading.get_ident()] += 1
    BUSY_THREADS.add(threading.get_ident())
    try:
        yield
    finally:
        BUSY_THREADS.discard(threading.get_ident())


def _off_the_loop_thread(*_: object, **__: object) -> bool:
    return threading.get_ident() != _LOOP_THREAD[0]


# A join of a thread that runs no probe's work must also end within this many seconds, without
# starting any, to pass: a thread just started is not busy yet, and may start a job and even end
# it within the grace on a crowded machine (seen: a 0.03 s job joined on the loop passed), which
# WORK_STARTED tells. The grace itself is for an idle pool worker told to stop, which a machine
# with 19 runnable processes took over 0.05 s to run.
JOIN_GRACE = 0.25


def _joins_an_idle_thread(lock: Any = None, *_: object, **__: object) -> bool:
    """Whether this lock wait is Thread.join's, for a thread that runs no probe's work and ends at once."""
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_filename == threading.__file__ and frame.f_code.co_name in ("join", "_wait_for_tstate_lock"):
            thread = frame.f_locals.get("self")
            if not isinstance(thread, threading.Thread) or thread.ident in BUSY_THREADS:
                return False
            started = WORK_STARTED[thread.ident]
            if lock.acquire(True, JOIN_GRACE):  # the thread's end; let go at once, for the join itself to take
                lock.release()
                return WORK_STARTED[thread.ident] == started
            return False
        frame = frame.f_back
    return False


def _join_ends_at_once(thread: threading.Thread, timeout: float | None = None) -> bool:
    """For Thread.join where JOIN_WAITS_IN_C: what 3.11's lock wait allows. The join returns at once
    (the thread has ended, a timeout of 0, or join raises), or it waits for a thread that runs no
    probe's work and ends within JOIN_GRACE (as _joins_an_idle_thread)."""
    if not thread.is_alive() or thread is threading.current_thread() or (timeout is not None and timeout <= 0):
        return True
    if thread.ident in BUSY_THREADS:
        return False
    started = WORK_STARTED[thread.ident]
    thread.join(JOIN_GRACE)  # inside the guard's own wrapper, this is the real join
    return not thread.is_alive() and WORK_STARTED[thread.ident] == started


def _or(first: Callable[..., bool], second: Callable[..., bool]) -> Callable[..., bool]:
    def either(*args: Any, **kwargs: Any) -> bool:
        return first(*args, **kwargs) or second(*args, **kwargs)

    return either


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
