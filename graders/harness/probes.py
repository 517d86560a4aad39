"""Probe jobs handed to learner code, and the records they leave behind.

Exercises receive their work as arguments (zero-argument callables), so a grader can
see exactly when each job started and ended, on which thread, how many ran at once,
and whether it finished, failed or was cancelled.
"""

from __future__ import annotations

import asyncio
import concurrent.futures.thread
import inspect
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from . import timeline
from .blocking import blocking_work
from .settle import Settled, natural

# The function every ThreadPoolExecutor worker thread runs (to tell its threads from the learner's own).
_pool_worker = getattr(concurrent.futures.thread, "_worker", None)


class JobFailed(Exception):
    """The error a failing probe job raises; graders check it travels (or is caught) as asked."""


@dataclass
class Span:
    label: str
    start: float
    thread: int
    end: float | None = None
    state: str = "running"  # then "done", "failed" or "cancelled"

    @property
    def duration(self) -> float | None:
        return None if self.end is None else self.end - self.start


def loop_clock() -> float:
    return asyncio.get_running_loop().time()


# Loop time is virtual (looptime). Before it moves the clock to the next timer, looptime polls 42
# times for what may come from outside the loop: a socket's data, a thread's call_soon_threadsafe.
# Where only the loop's own tasks run, nothing can come, and those polls were 12% of the graders'
# CPU; threads started through an executor (to_thread) are waited for apart from them, in real
# time. Topics whose graders serve sockets (06, 12, 13, 14) keep all 42; 05's run in real time.
IN_LOOP_TIME = pytest.mark.looptime(noop_cycles=1)


@dataclass
class Recorder:
    """Hands out probe jobs and records what happened to each of them.

    `clock` is the running loop's clock by default (virtual under looptime); blocking jobs
    that run in real threads need a real clock such as time.perf_counter.
    """

    clock: Callable[[], float] = loop_clock
    loop_thread: int = field(default_factory=threading.get_ident)
    spans: list[Span] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    nominal: dict[str, float] = field(default_factory=dict)  # each blocking job's length, by label, for settling
    beside: list[Span] = field(default_factory=list)  # records of related work, for settling charts of this
    after_blocking: Callable[[], None] | None = None  # called in a blocking job's thread as it ends (see Heartbeat)
    coroutines: list[tuple[str, Coroutine[Any, Any, Any]]] = field(default_factory=list)  # each job() call's, by label
    handed: list[tuple[Span, int]] = field(default_factory=list)  # each blocking job handed to a pool: ends heard by then
    first_heard: int | None = None  # the count of ends heard (ThreadWatch.heard) once the first of these jobs' was

    def job(self, label: str, seconds: float, result: Any = None, *, fails: bool = False) -> AsyncJob:
        return AsyncJob(self, label, seconds, result, fails)

    def blocking_job(self, label: str, seconds: float, result: Any = None) -> BlockingJob:
        self.nominal[label] = seconds
        return BlockingJob(self, label, seconds, result)

    @contextmanager
    def span(self, label: str) -> Iterator[Span]:
        """Record one unit of work; its state follows how the body ends."""
        span = Span(label, self.clock(), threading.get_ident())
        self.spans.append(span)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield span
        except asyncio.CancelledError:
            span.state = "cancelled"
            raise
        except BaseException:
            span.state = "failed"
            raise
        else:
            span.state = "done"
        finally:
            span.end = self.clock()
            self.in_flight -= 1

    # What graders ask of the records.

    def started(self, label: str) -> list[Span]:
        return [s for s in self.spans if s.label == label]

    def never_awaited(self) -> list[str]:
        """Labels of jobs whose coroutine was created but never started running, nor was cancelled before it could."""
        ran = Counter(s.label for s in self.spans) + Counter(self.cancelled_before_start())
        return [label for label, n in self.created.items() if n > ran[label]]

    def cancelled_before_start(self) -> list[str]:
        """Labels of jobs whose coroutine was closed without running: a Task (asyncio.wait_for's, on 3.11) cancelled
        before its first step, or a coroutine closed by hand."""
        ran = Counter(s.label for s in self.spans)
        closed = Counter(label for label, c in self.coroutines if inspect.getcoroutinestate(c) == inspect.CORO_CLOSED)
        return [label for label, n in closed.items() if n > ran[label]]

    def still_running(self) -> list[Span]:
        return [s for s in self.spans if s.end is None]

    def off_loop_thread(self) -> list[Span]:
        return [s for s in self.spans if s.thread != self.loop_thread]

    def wait_for_other_threads(self, within: float = 1.0) -> None:
        """Give jobs that other threads run up to `within` seconds of real time to start and finish.

        Those threads keep going on their own time after the learner's call returns; waiting for
        them makes what a grader reports ("3 jobs ran on another thread") the same on every run.
        """
        deadline = time.monotonic() + within
        while time.monotonic() < deadline and (
            sum(self.created.values()) > len(self.spans) or any(s.end is None for s in self.off_loop_thread())
        ):
            time.sleep(0.002)

    def held_back(self) -> list[Span]:
        """Blocking jobs handed to a thread pool only after the loop had heard that another of them had ended:
        the code waited for one to finish before handing the next over (a Semaphore, batches, a job at a time).
        No busy machine does that: whatever the learner's code had already asked for runs on the loop before it
        hears of an end, which comes behind it (call_soon_threadsafe), however late the threads start."""
        if self.first_heard is None:
            return []
        return [span for span, heard in self.handed if heard >= self.first_heard]

    def most_at_once(self) -> int:
        """The most spans running at one moment, worked out from the spans (a counter can be written to)."""
        edges = sorted([(s.start, 1) for s in self.spans] + [(s.end, -1) for s in self.spans if s.end is not None],
                       key=lambda e: (e[0], e[1]))
        most = now = 0
        for _, step in edges:
            now += step
            most = max(most, now)
        return max(most, self.max_in_flight)

    def overlapped(self) -> bool:
        """True when at least two jobs were running at the same moment."""
        return self.max_in_flight > 1

    def settled(self, origin: float | None = None) -> Settled:
        """The records read without real-clock jitter, times from `origin` (default: the first start)."""
        first = min((s.start for s in [*self.spans, *self.beside]), default=0.0)
        return Settled(self.spans, origin=first if origin is None else origin, nominal=self.nominal, beside=self.beside)

    def timeline(self, origin: float | None = None) -> str:
        """The chart of the spans; time zero is `origin` (virtual time only), else the first start."""
        now = self.clock() if self.still_running() else None
        if self.clock is loop_clock:  # virtual time is exact: nothing to settle, only rows to order
            # Jobs that start together are recorded in whatever order they happened to start (HTTP
            # requests, in the order the server took them): go by start, then by label.
            return timeline.render(sorted(self.spans, key=lambda s: (s.start, natural(s.label))), now=now, origin=origin)
        return self.settled().timeline(now=now)


def posing_as(probe: Any, shape: Callable[..., Any], name: str) -> None:
    """Make `probe`, a callable object, answer as a function of `shape`'s kind and parameters named `name` would, to
    what code may ask of a function: `__name__`, `inspect.iscoroutinefunction`, `inspect.signature`. The stubs promise
    functions ("jobs: async functions that take no arguments"), and a learner may name a Task after one or check that
    it is one; the calls still go to `probe`, which keeps their record."""
    vars(probe).update(__name__=name, __qualname__=name, __code__=shape.__code__, __defaults__=None,
                       __kwdefaults__=None, __annotations__={})


def function_name(label: str) -> str:
    """A name a function could have, for a probe labelled `label` ("job 3" -> "job_3"): distinct labels, distinct names."""
    return re.sub(r"\W+", "_", label).strip("_") or "job"


async def _job() -> Any:
    """The shape of a job: an async function of no arguments."""


def _blocking_job() -> Any:
    """The shape of a blocking job: a function of no arguments."""


class AsyncJob:
    """`await job()` sleeps `seconds` on the loop's clock, then returns `result` or raises JobFailed."""

    def __init__(self, recorder: Recorder, label: str, seconds: float, result: Any, fails: bool) -> None:
        self.recorder, self.label, self.seconds, self.result, self.fails = recorder, label, seconds, result, fails
        posing_as(self, _job, function_name(label))

    def __repr__(self) -> str:
        return f"<job {self.label!r}: {self.seconds:g} s>"

    def __call__(self) -> Coroutine[Any, Any, Any]:
        self.recorder.created[self.label] += 1
        coroutine = self._run()
        self.recorder.coroutines.append((self.label, coroutine))
        return coroutine

    def failure(self) -> JobFailed:
        """The exception a failing job raises (a new one each time: compare them by repr)."""
        return JobFailed(f"{self.label} failed")

    async def _run(self) -> Any:
        with self.recorder.span(self.label) as span:
            # Run by a second event loop in another thread, loop time means nothing here:
            # skip the wait so the wrong answer fails fast, on the grader's thread check.
            if span.thread == self.recorder.loop_thread:
                await asyncio.sleep(self.seconds)
            if self.fails:
                raise self.failure()
            return self.result


class BlockingJob:
    """`job()` blocks its thread in time.sleep for `seconds` (real time), then returns `result`."""

    def __init__(self, recorder: Recorder, label: str, seconds: float, result: Any) -> None:
        self.recorder, self.label, self.seconds, self.result = recorder, label, seconds, result
        posing_as(self, _blocking_job, function_name(label))

    def __repr__(self) -> str:
        return f"<blocking job {self.label!r}: {self.seconds:g} s>"

    def __call__(self) -> Any:
        self.recorder.created[self.label] += 1
        with blocking_span(self.recorder, self.label):
            time.sleep(self.seconds)
            if self.recorder.after_blocking is not None:
                self.recorder.after_blocking()
            return self.result


@contextmanager
def blocking_span(recorder: Recorder, label: str) -> Iterator[Span]:
    """A probe's blocking work in the calling thread: marked as such (blocking.blocking_work), recorded as a span
    and, when a thread pool runs it, told to the loop as it ends (see Recorder.held_back)."""
    handover: Handover | None = getattr(_HANDOVER, "current", None)
    try:
        with blocking_work(), recorder.span(label) as span:
            if handover is not None:
                recorder.handed.append((span, handover.heard))
            yield span
    finally:
        if handover is not None and handover.tell is not None:
            handover.tell(recorder)  # before the pool sets the result: the loop hears it before the code does


@dataclass(frozen=True)
class Handover:
    """Work handed to a thread pool: how many probe jobs' ends the loop had heard of by then, and how to tell
    the loop of one more (None: handed over where no loop runs)."""

    heard: int
    tell: Callable[[Recorder], None] | None


_HANDOVER = threading.local()  # .current: the Handover of the work this pool thread is running


@dataclass
class ThreadWatch:
    """Records every thread started while active (thread pools included: they start threads too),
    and when work was handed to a thread pool (real clock), to tell a pool too small for its work
    from work handed over one piece at a time."""

    started: list[str] = field(default_factory=list)
    submitted: list[float] = field(default_factory=list)
    pool_sizes: list[int] = field(default_factory=list)  # the max_workers of each pool work was handed to
    heard: int = 0  # ends of probe blocking jobs the loop has run a callback for (see Recorder.held_back)

    @contextmanager
    def active(self) -> Iterator[ThreadWatch]:
        original = threading.Thread.start
        watch = self
        # Threads started by the thread that runs the grader, or by threads it started: other
        # threads of the process (a test runner's own) are none of the learner's doing.
        family = {threading.get_ident()}

        def start(thread: threading.Thread) -> None:
            if threading.get_ident() not in family:
                return original(thread)
            watch.started.append(thread.name)
            if getattr(thread, "_target", None) is not _pool_worker:
                # A thread of its own (threading.Thread), not a pool's worker: handing work to it
                # counts as a submission to a "pool" that never queues, so that a late start on a
                # busy machine is excused as it is for to_thread and run_in_executor.
                watch.submitted.append(time.perf_counter())
                watch.pool_sizes.append(sys.maxsize)
            original(thread)
            family.add(thread.ident)  # type: ignore[arg-type]

        original_submit = ThreadPoolExecutor.submit

        def submit(executor: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            watch.submitted.append(time.perf_counter())
            watch.pool_sizes.append(getattr(executor, "_max_workers", 0))  # what a pool can run at once
            handover = Handover(watch.heard, watch._teller(asyncio.events._get_running_loop()))

            def handed(*args: Any, **kwargs: Any) -> Any:
                _HANDOVER.current = handover
                try:
                    return fn(*args, **kwargs)
                finally:
                    _HANDOVER.current = None

            return original_submit(executor, handed, *args, **kwargs)

        threading.Thread.start = start  # type: ignore[method-assign]
        ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]
        try:
            yield self
        finally:
            threading.Thread.start = original  # type: ignore[method-assign]
            ThreadPoolExecutor.submit = original_submit  # type: ignore[method-assign]

    def _teller(self, loop: asyncio.AbstractEventLoop | None) -> Callable[[Recorder], None] | None:
        """How a pool thread tells `loop` that a probe job it ran has ended; for work handed over from a pool
        thread (no loop runs there), as the work that thread runs was told."""
        if loop is None:
            outer: Handover | None = getattr(_HANDOVER, "current", None)
            return outer.tell if outer is not None else None

        def hear(recorder: Recorder) -> None:
            self.heard += 1
            if recorder.first_heard is None:
                recorder.first_heard = self.heard

        def tell(recorder: Recorder) -> None:
            try:
                loop.call_soon_threadsafe(hear, recorder)
            except RuntimeError:  # the loop has closed: no one is left to hear it
                pass

        return tell
