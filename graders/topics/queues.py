"""Graders for topic 09: asyncio.Queue — producers, consumers, backpressure and shutdown.

`run_pipeline(sources, process, consumers, maxsize)` gets probes: each source is an async
iterable whose items take loop time to make, and `process` an async function whose every call
takes loop time too. Together they record, for every item, when it was made, when its producer
asked for the next one (so the put was over), when a consumer took it (process started) and
when that ended, and which Task did each. The rules are judged on those records, never on the
timing of one particular schedule:

- exactly once: every item reaches process() once, and the call reports the right count;
- backpressure: items made but not yet taken never exceed `maxsize` (in the queue) plus one in
  each producer's hand (waiting in put);
- busy consumers: while items remain, a consumer is idle only when nothing waits for it (no item
  made and not taken, no producer held back);
- shutdown: the call returns once every item is done, and no Task it started is left;
- failures: an item whose processing raises is reported, and the rest go on.

A call that never returns is stopped after a budget of loop time, which costs nothing real, and
the message says where its Tasks were waiting (`stuck`). A loop that spins without ever waiting
(get_nowait in a `while` loop) is caught by SpinWatch within a fraction of a second.
"""

from __future__ import annotations

import _thread
import asyncio
import dis
import linecache
import random
import signal
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

import pytest

from graders.feedback import fail, plural, seconds, shown
from graders.i18n import sentences, tr
from graders.learner import Learner, Outcome
from graders.probes import JobFailed, loop_clock
from graders.timeline import WIDTH

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

NAME = "run_pipeline"
TOLERANCE = 0.01  # seconds of loop time: what separates two moments that virtual time makes exact
MAKING = (0.05, 0.1, 0.15)  # seconds to make one item: at most 12 per source are made in 1.8 s...
PROCESSING = (2.0, 2.5, 3.0, 3.5, 4.0)  # ...before the first item processed is done, on every draw
MOST_PER_SOURCE = 12


# The probes and their records.


@dataclass
class Item:
    value: int
    source: int
    asked: float  # when its producer asked the source for it
    made: float | None = None
    handed: float | None = None  # when its producer asked for the next one: its put was over
    taken: float | None = None  # when process() first started on it
    calls: int = 0


@dataclass
class Work:
    consumer: int
    item: int
    start: float
    end: float | None = None
    state: str = "running"  # then "done", "failed" or "cancelled"


@dataclass
class Book:
    """What the probes saw, in loop time."""

    items: dict[int, Item] = field(default_factory=dict)
    works: list[Work] = field(default_factory=list)
    strangers: list[str] = field(default_factory=list)  # what process() got that no source made
    consumers: list[asyncio.Task[Any]] = field(default_factory=list)  # in the order they first called process()
    ends: dict[int, tuple[float, str]] = field(default_factory=dict)  # consumer -> (when its Task ended, how)
    producers: dict[int, asyncio.Task[Any]] = field(default_factory=dict)  # source -> the Task that read it
    dry: dict[int, float] = field(default_factory=dict)  # source -> when it said it had no more items
    last: dict[int, Item] = field(default_factory=dict)  # source -> the item it made last
    call: asyncio.Task[Any] | None = None  # the Task awaiting the learner's run_pipeline

    def consumer(self, task: asyncio.Task[Any] | None) -> int:
        if task is None:
            return -1
        if task not in self.consumers:
            self.consumers.append(task)
            index = len(self.consumers) - 1
            task.add_done_callback(lambda t: self.ends.setdefault(index, (loop_clock(), ending(t))))
        return self.consumers.index(task)

    def moments(self, origin: float, until: float) -> list[tuple[float, float]]:
        """The stretches of time between consecutive recorded events, from origin to until."""
        times = {origin, until, *self.dry.values()}
        for item in self.items.values():
            times.update((item.asked, item.made, item.handed, item.taken))
        for work in self.works:
            times.update((work.start, work.end))
        marks = sorted(t for t in times if t is not None and origin - TOLERANCE <= t <= until + TOLERANCE)
        return [(a, b) for a, b in zip(marks, marks[1:]) if b - a > TOLERANCE]

    def waiting(self, a: float, b: float) -> list[Item]:
        """Items made but not taken all through the stretch from a to b."""
        return [i for i in self.items.values()
                if i.made is not None and i.made <= a + TOLERANCE and (i.taken is None or i.taken >= b - TOLERANCE)]

    def busy(self, a: float, b: float) -> list[Work]:
        return [w for w in self.works if w.start <= a + TOLERANCE and (w.end is None or w.end >= b - TOLERANCE)]

    def held(self, a: float, b: float) -> list[Item]:
        """Items their producer held all through the stretch: made, and the producer not yet asking for more."""
        return [i for i in self.items.values()
                if i.made is not None and i.made <= a + TOLERANCE and (i.handed is None or i.handed >= b - TOLERANCE)]

    def last_event(self) -> float:
        times = [*self.dry.values()]
        for item in self.items.values():
            times += [t for t in (item.asked, item.made, item.handed, item.taken) if t is not None]
        times += [t for w in self.works for t in (w.start, w.end) if t is not None]
        return max(times, default=0.0)


def ending(task: asyncio.Task[Any]) -> str:
    if task.cancelled():
        return "cancelled"
    error = task.exception()
    return "returned" if error is None else type(error).__name__


class Source:
    """`async for item in source:` gives this source's items, each after `seconds` of loop time."""

    def __init__(self, book: Book, index: int, values: list[int], seconds: list[float]) -> None:
        self.book, self.index, self.values, self.seconds = book, index, values, seconds
        self.position = 0

    def __repr__(self) -> str:
        return f"<source {self.index}: {len(self.values)} items>"

    def __aiter__(self) -> Source:
        return self

    async def __anext__(self) -> int:
        now = loop_clock()
        self.book.producers.setdefault(self.index, asyncio.current_task())  # type: ignore[arg-type]
        previous = self.book.last.get(self.index)
        if previous is not None and previous.handed is None:
            previous.handed = now
        if self.position >= len(self.values):
            self.book.dry.setdefault(self.index, now)
            raise StopAsyncIteration
        value, pause = self.values[self.position], self.seconds[self.position]
        self.position += 1
        item = self.book.items[value] = Item(value, self.index, now)
        try:
            await asyncio.sleep(pause)
        except BaseException:
            del self.book.items[value]  # not made: asking again makes it again
            self.position -= 1
            raise
        item.made = loop_clock()
        self.book.last[self.index] = item
        return value


class Process:
    """`await process(item)` processes one item in loop time; it raises JobFailed for the failing ones."""

    def __init__(self, book: Book, seconds: dict[int, float], failing: set[int]) -> None:
        self.book, self.seconds, self.failing = book, seconds, failing

    def __repr__(self) -> str:
        return "<process: an async function>"

    async def __call__(self, item: Any) -> None:
        consumer = self.book.consumer(asyncio.current_task())
        record = self.book.items.get(item) if isinstance(item, int) and not isinstance(item, bool) else None
        if record is None or record.made is None:
            self.book.strangers.append(shown(item, 40))
            return
        now = loop_clock()
        record.calls += 1
        if record.taken is None:
            record.taken = now
        work = Work(consumer, item, now)
        self.book.works.append(work)
        try:
            await asyncio.sleep(self.seconds[item])
            if item in self.failing:
                raise JobFailed(f"item {item} failed")
        except asyncio.CancelledError:
            work.state = "cancelled"
            raise
        except BaseException:
            work.state = "failed"
            raise
        else:
            work.state = "done"
        finally:
            work.end = loop_clock()


@dataclass
class Pipeline:
    book: Book
    sources: list[Source]
    process: Process
    consumers: int
    maxsize: int

    @property
    def values(self) -> list[int]:
        return [v for s in self.sources for v in s.values]

    @property
    def failing(self) -> set[int]:
        return self.process.failing

    @property
    def bound(self) -> int:
        """Items that may wait at once: a full queue, and one in each producer's hand."""
        return self.maxsize + len(self.sources)

    @property
    def budget(self) -> float:
        """Loop time for the call: what one consumer working alone needs, and then some (it costs nothing real)."""
        serial = sum(self.process.seconds.values()) + sum(sum(s.seconds) for s in self.sources)
        return float(int(serial) + 30)


def pipeline(rng: random.Random, *, producers: tuple[int, int] = (1, 3), consumers: tuple[int, int] = (2, 4),
             failing: int = 0) -> Pipeline:
    """Producers much faster than consumers, and more items than a full queue, the producers' hands
    and the consumers can hold together: an unbounded queue outgrows the bound, one consumer leaves
    items waiting, and a consumer that stops early leaves work behind, on every draw."""
    book = Book()
    p = rng.randint(*producers)
    n = rng.randint(max(consumers[0], 2), consumers[1])
    maxsize = rng.randint(1, 3)
    total = maxsize + p + n + rng.randint(2, 4)
    counts = [1] * p
    for _ in range(total - p):
        counts[rng.choice([i for i in range(p) if counts[i] < MOST_PER_SOURCE])] += 1
    values = rng.sample(range(100, 1000), total)
    sources, start = [], 0
    for index, count in enumerate(counts):
        chunk = values[start:start + count]
        start += count
        sources.append(Source(book, index, chunk, [rng.choice(MAKING) for _ in chunk]))
    # The failing items are among the first each consumer takes: work is left when they fail.
    chosen = set(rng.sample([s.values[0] for s in sources], min(failing, p)))
    process = Process(book, {v: rng.choice(PROCESSING) for v in values}, chosen)
    return Pipeline(book, sources, process, n, maxsize)


# Running the learner's call.


@dataclass
class Ran:
    outcome: Outcome
    origin: float
    returned: float
    left: list[asyncio.Task[Any]]  # Tasks the call started that were still pending when it returned


async def run(learner: Learner, pipe: Pipeline) -> Ran:
    """Call run_pipeline; fail with a diagnosis if it never returns or spins the loop."""
    before = asyncio.all_tasks()
    origin = loop_clock()

    def theirs() -> list[asyncio.Task[Any]]:
        return [t for t in asyncio.all_tasks() if t not in before and t is not call and not t.done()]

    async def call_and_look() -> tuple[Outcome, float, list[asyncio.Task[Any]]]:
        try:
            outcome = await learner.outcome(NAME, pipe.sources, pipe.process, pipe.consumers, pipe.maxsize)
        except asyncio.CancelledError as error:
            if stopping:
                raise
            outcome = Outcome(error=error)  # nobody cancelled the call: its own code let a CancelledError out
        return outcome, loop_clock(), theirs()  # at the very moment it returned, before any other Task moves

    call = pipe.book.call = asyncio.create_task(call_and_look())
    stopping = False

    def stop_all() -> None:
        nonlocal stopping
        stopping = True
        if spin.caught is not None:  # spinning: note who yields with sleep() and comes straight back
            for task in theirs():
                spin.note(sleeping_in(task, learner.path))
        for task in [call, *theirs()]:
            task.cancel()

    with SpinWatch(learner.path, asyncio.get_running_loop(), stop_all) as spin:
        done, _ = await asyncio.wait({call}, timeout=pipe.budget)
    if spin.caught is not None:
        await settle([call, *theirs(), *spin.ended], pipe)
        spun(pipe, spin, origin)
    if not done:
        diagnosis = stuck(learner, pipe, call, theirs(), origin)
        stop_all()
        await settle([call, *theirs()], pipe)
        diagnosis()
    outcome, returned, left = call.result()  # a GraderFailure from learner.outcome (blocking call, TODO, ...) goes on up
    if isinstance(outcome.error, asyncio.CancelledError):
        let_out(learner, pipe, outcome.error)
    return Ran(outcome, origin, returned, left)


def let_out(learner: Learner, pipe: Pipeline, error: BaseException) -> None:
    """run_pipeline ended with a CancelledError that nobody sent it: most often, from awaiting Tasks it cancelled."""
    __tracebackhide__ = True
    cancelled = [i for i, (_, how) in sorted(pipe.book.ends.items()) if how == "cancelled"]
    fail(
        tr("`{name}` raised CancelledError, though nothing cancelled it.", name=NAME),
        observed=tr("it cancelled its consumers and then awaited them: awaiting a cancelled Task raises its "
                    "CancelledError, and that came out of {name}.", name=NAME)
        if cancelled and len(cancelled) == len(pipe.book.consumers)
        else tr("a CancelledError from inside came out of it."),
        expected=tr("{name} returning (processed, failed) once its consumers have stopped.", name=NAME),
        details=learner.format_error(error),
        advice=tr("Wait for cancelled Tasks with `await asyncio.gather(*consumers, return_exceptions=True)`: it "
                  "returns their CancelledErrors instead of raising the first one."),
    )


async def settle(tasks: list[asyncio.Task[Any]], pipe: Pipeline) -> None:
    """Let cancelled Tasks end, and read what they raised so asyncio does not log it."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=1)
    for task in [*tasks, *pipe.book.consumers, *pipe.book.producers.values()]:
        if task.done() and not task.cancelled():
            task.exception()


def finish(learner: Learner, ran: Ran) -> None:
    """Fail the way learner.call does when the call raised."""
    __tracebackhide__ = True
    if ran.outcome.error is not None:
        learner.fail_raised(NAME, ran.outcome.error)


# Where Tasks wait: the await chain of a suspended coroutine.

QUEUE_CALLS = {
    asyncio.Queue.get.__code__: "await queue.get()",
    asyncio.Queue.put.__code__: "await queue.put(item)",
    asyncio.Queue.join.__code__: "await queue.join()",
}


@dataclass
class Suspension:
    call: str | None  # one of QUEUE_CALLS' values, when the Task waits in a Queue method
    queue: Any  # that Queue
    line: int | None  # the learner's innermost line on the way there
    source: str


def suspension(task: asyncio.Task[Any], path: Path) -> Suspension:
    frames: list[FrameType] = []
    step: Any = task.get_coro()
    while step is not None and len(frames) < 100:
        frame = getattr(step, "cr_frame", None) or getattr(step, "gi_frame", None) or getattr(step, "ag_frame", None)
        if frame is None:
            break
        frames.append(frame)
        step = getattr(step, "cr_await", None) or getattr(step, "gi_yieldfrom", None) or getattr(step, "ag_await", None)
    mine = [f for f in frames if Path(f.f_code.co_filename) == path]
    queued = next((f for f in frames if f.f_code in QUEUE_CALLS), None)
    line = mine[-1].f_lineno if mine else None
    return Suspension(
        QUEUE_CALLS[queued.f_code] if queued else None,
        queued.f_locals.get("self") if queued else None,
        line,
        linecache.getline(str(path), line).strip() if line else "",
    )


def label(pipe: Pipeline, task: asyncio.Task[Any]) -> str:
    book = pipe.book
    if task is book.call:
        return f"`{NAME}`"
    if task in book.consumers:
        return tr("consumer {i}", i=book.consumers.index(task))
    for index, producer in book.producers.items():
        if producer is task:
            return tr("producer {i}", i=index)
    code = getattr(task.get_coro(), "__qualname__", "?")
    return tr("a Task running `{code}`", code=code)


def whereabouts(learner: Learner, pipe: Pipeline, tasks: list[asyncio.Task[Any]], sep: str = "\n") -> str:
    """"consumer 0, consumer 1: waiting in `await queue.get()` (line 21)", one line (or `sep`) per place."""
    places: dict[tuple[str | None, int | None, str, bool], list[str]] = {}
    for task in sorted(tasks, key=lambda t: (t not in pipe.book.consumers, label(pipe, t))):
        where = suspension(task, learner.path)
        places.setdefault((where.call, where.line, where.source, task.cancelling() > 0), []).append(label(pipe, task))
    lines = []
    for (call, line, source, cancelling), names in places.items():
        who = ", ".join(names)
        if cancelling:
            lines.append(tr("{who}: cancelled, but not yet stopped", who=who))
        elif call and line:
            lines.append(tr("{who}: waiting in `{call}` (line {line})", who=who, call=call, line=line))
        elif line:
            lines.append(tr("{who}: waiting at line {line}: `{source}`", who=who, line=line, source=source))
        else:
            lines.append(tr("{who}: not started yet", who=who))
    return sep.join(lines)


def stuck(learner: Learner, pipe: Pipeline, call: asyncio.Task[Any], tasks: list[asyncio.Task[Any]],
          origin: float) -> Callable[[], None]:
    """What to say about a call still running after its budget, worked out before its Tasks are cancelled."""
    book = pipe.book
    everything = [call, *tasks]
    places = {task: suspension(task, learner.path) for task in everything}
    done = [v for v in pipe.values if v in book.items and book.items[v].calls]
    all_done = len(done) == len(pipe.values) and all(w.end is not None for w in book.works)
    joining = [(t, p) for t, p in places.items() if p.call == "await queue.join()"]
    getting = [t for t in tasks if places[t].call == "await queue.get()" and t in book.consumers]
    alive = [t for t in book.consumers if not t.done()]
    chart = lanes(pipe, origin)
    summary = tr("`{name}` was still running after {budget} of loop time, so the grader stopped it.",
                 name=NAME, budget=seconds(pipe.budget))
    where = whereabouts(learner, pipe, everything)
    failed = [w.item for w in book.works if w.state == "failed"]

    if joining and all_done:
        _, place = joining[0]
        unfinished = getattr(place.queue, "_unfinished_tasks", None)
        if unfinished and failed and unfinished == len(failed):
            why = tr("join() waits for a task_done() per item, and the items whose processing raised ({items}) never "
                     "got theirs.", items=", ".join(map(str, failed)))
        elif unfinished:
            why = tr("join() waits for a task_done() per item, and the queue still counted {count} without one.",
                     count=unfinished)
        else:
            why = tr("join() waits for a task_done() per item, and the queue still counted some without one.")
        return lambda: fail(
            summary,
            observed=tr("it was waiting in `await queue.join()` (line {line}) although every item had been processed. "
                        "{why}", line=place.line, why=why),
            expected=tr("one `queue.task_done()` for every item taken with get(), so that join() returns once the last "
                        "one is processed."),
            timeline=chart,
            details=where,
            advice=tr("Call `queue.task_done()` after processing each item, in a `finally:` block so that an item whose "
                      "processing raises counts as done too."),
        )
    if getting and all_done:
        stopped = len(book.consumers) - len(alive)
        return lambda: fail(
            summary,
            observed=tr("every item had been processed, but {waiting} of its {count} consumers still waited in "
                        "`await queue.get()` for an item that would never come, and {name} waited for them.",
                        waiting=len(getting), count=len(book.consumers), name=NAME),
            expected=tr("every consumer told to stop once the work is done, so that the call can return."),
            timeline=chart,
            details=where,
            advice=stop_advice(pipe, stopped),
        )
    if book.consumers and not alive:
        ends = sorted(book.ends.items())
        putting = any(p.call == "await queue.put(item)" for p in places.values())
        after_failure = any(last_failed(book, i) is not None or how not in ("returned", "cancelled")
                            for i, (_, how) in ends)
        return lambda: fail(
            summary,
            observed=sentences(
                tr("{left} were never processed, because no consumer was left to take them: {ends}.",
                   left=plural(len(pipe.values) - len(done), "item"), count=len(pipe.values) - len(done),
                   ends=", ".join(ended(pipe, i, how) for i, (_, how) in ends)),
                tr("The producers were waiting in `await queue.put(item)` for room in the full queue.") if putting else ""),
            expected=tr("consumers that keep taking items until every item is processed."),
            timeline=chart,
            details=where,
            advice=tr("Keep each consumer in its loop until it is told to stop: catch a failure around "
                      "`await process(item)`, note the item, and go on with the next.")
            if after_failure
            else tr("Keep each consumer in its loop until it is told to stop: an empty queue only means the next item "
                    "has not arrived yet."),
        )
    return lambda: fail(
        summary,
        observed=tr("{done} of {count} items were processed; where its Tasks were waiting when the grader stopped it "
                    "is below.", done=len(done), count=len(pipe.values)),
        expected=tr("a call that returns once every item is processed."),
        timeline=chart,
        details=where,
        advice=tr("Check that every await has something that completes it: each get() an item or a stop signal, each "
                  "put() a consumer taking items, join() a task_done() per item."),
    )


def last_failed(book: Book, index: int) -> int | None:
    """The item whose processing raised last in consumer `index`, if that was its last item."""
    works = [w for w in book.works if w.consumer == index]
    return works[-1].item if works and works[-1].state == "failed" else None


def ended(pipe: Pipeline, index: int, how: str) -> str:
    name = tr("consumer {i}", i=index)
    item = last_failed(pipe.book, index)
    if how == "returned":
        return tr("{name} returned", name=name) if item is None else \
            tr("{name} returned right after item {item} failed", name=name, item=item)
    if how == "cancelled":
        return tr("{name} was cancelled", name=name)
    return tr("{name} raised {kind}", name=name, kind=how) if item is None else \
        tr("{name} raised {kind} when item {item} failed", name=name, kind=how, item=item)


def stop_advice(pipe: Pipeline, stopped: int) -> str:
    if 0 < stopped == len(pipe.sources) < pipe.consumers:
        return tr("As many consumers stopped as there are producers ({stopped}): each consumer stops at a sentinel of "
                  "its own, so put one per consumer ({count}) once the producers are done, or cancel the consumers "
                  "after `await queue.join()`.", stopped=stopped, count=pipe.consumers)
    return tr("Once `await queue.join()` returns, stop the consumers: cancel each one and "
              "`await asyncio.gather(*consumers, return_exceptions=True)`, or put one sentinel per consumer and await "
              "them.")


# A loop that spins without waiting.

SPIN_CPU = 0.2  # seconds of the loop thread's CPU time with the loop's clock standing still: spinning
SPIN_REAL = 3.0  # the same in real time, where a thread's CPU time cannot be read
SPIN_SIGNAL = getattr(signal, "SIGUSR1", None)
# Files of the event loop's own machinery: an exception raised there would break the loop itself.
LOOP_FILES = {str(Path(asyncio.__file__).parent / name) for name in (
    "base_events.py", "events.py", "selector_events.py", "unix_events.py", "proactor_events.py", "windows_events.py",
    "runners.py")}


class Spinning(BaseException):
    """Raised in the learner's code caught spinning on the loop's thread, so the loop runs again."""


class SpinWatch:
    """A thread that notices the loop's clock standing still while the loop's thread keeps computing.

    Correct code moves the virtual clock every few milliseconds of CPU; code that polls the queue
    in a `while` loop never lets it move (with `await asyncio.sleep(0)`, the loop always has
    something ready; without any await, it is frozen). The watch then cancels the call and its
    Tasks, and where the loop is frozen in the learner's code, raises Spinning there.
    """

    def __init__(self, path: Path, loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
        self.path, self.loop, self.stop = path, loop, stop
        self.caught: float | None = None  # loop time when the clock stood still
        self.codes: Counter[CodeType] = Counter()  # the learner's functions seen running meanwhile
        self.ended: list[asyncio.Task[Any]] = []  # Tasks ended by raising Spinning in them
        self._stopping = _thread.allocate_lock()  # held while the watch runs; released to stop it at once
        self._done = _thread.allocate_lock()
        self._thread = threading.get_ident()
        self._signal = SPIN_SIGNAL if threading.current_thread() is threading.main_thread() else None
        self._previous: Any = None

    def __enter__(self) -> SpinWatch:
        if self._signal is not None:
            self._previous = signal.signal(self._signal, self._interrupted)
        self._stopping.acquire()
        self._done.acquire()
        _thread.start_new_thread(self._watch, ())  # not threading.Thread: ThreadWatch counts those as the learner's
        return self

    def __exit__(self, *_: object) -> None:
        self._stopping.release()
        with self._done:
            pass
        if self._signal is not None:
            signal.signal(self._signal, self._previous)

    def _cpu(self) -> Callable[[], float]:
        try:
            clock = time.pthread_getcpuclockid(self._thread)  # type: ignore[attr-defined]
            time.clock_gettime(clock)
            return lambda: time.clock_gettime(clock)
        except (AttributeError, OSError):
            return time.monotonic

    def _watch(self) -> None:
        try:
            cpu = self._cpu()
            limit = SPIN_CPU if cpu is not time.monotonic else SPIN_REAL
            shown_time, since, tries = self.loop.time(), cpu(), 0
            while tries < 5 and not self._stopping.acquire(timeout=0.005):
                now = self.loop.time()
                if now != shown_time:
                    shown_time, since = now, cpu()
                    self.codes.clear()
                    continue
                self._sample()
                if cpu() - since >= limit:
                    tries += 1
                    self.caught = now
                    since = cpu()
                    if self._signal is not None:
                        _thread.interrupt_main(self._signal)
                    else:
                        self.loop.call_soon_threadsafe(self.stop)
        finally:
            self._done.release()

    def _sample(self) -> None:
        frame = sys._current_frames().get(self._thread)
        while frame is not None:
            if Path(frame.f_code.co_filename) == self.path:
                self.codes[frame.f_code] += 1
                return
            frame = frame.f_back

    def _interrupted(self, signum: int, frame: FrameType | None) -> None:
        if self.caught is None:  # not ours
            if callable(self._previous):
                self._previous(signum, frame)
            return
        while frame is not None:
            name = frame.f_code.co_filename
            if name in LOOP_FILES:
                self.loop.call_soon(self.stop)  # amid the loop's own machinery: cancel on its next turn
                return
            if Path(name) == self.path:
                self.note(frame.f_code)
                # Frozen in the learner's code: cancel every Task now (as their code could), so that no
                # other one takes over the loop, and end this one so that the loop runs again.
                task = asyncio.current_task(self.loop)
                if task is not None:
                    self.ended.append(task)
                self.stop()
                raise Spinning
            frame = frame.f_back
        self.loop.call_soon(self.stop)

    def note(self, code: CodeType | None) -> None:
        """A function caught spinning for sure, not only sampled."""
        if code is not None:
            self.codes[code] += 1000

    def spinner(self) -> CodeType | None:
        return self.codes.most_common(1)[0][0] if self.codes else None


def sleeping_in(task: asyncio.Task[Any], path: Path) -> CodeType | None:
    """The learner's function that awaits asyncio.sleep() in `task`, if that is where it waits."""
    step: Any = task.get_coro()
    mine = None
    while step is not None:
        frame = getattr(step, "cr_frame", None) or getattr(step, "gi_frame", None)
        if frame is None:
            return None
        if frame.f_code is asyncio.sleep.__code__:
            return mine
        if Path(frame.f_code.co_filename) == path:
            mine = frame.f_code
        step = getattr(step, "cr_await", None) or getattr(step, "gi_yieldfrom", None)
    return None


def polls_at(code: CodeType) -> int | None:
    """The line where `code` calls get_nowait(), if it does."""
    for instruction in dis.get_instructions(code):
        if instruction.argval == "get_nowait" and instruction.positions and instruction.positions.lineno:
            return instruction.positions.lineno
    return None


def spun(pipe: Pipeline, spin: SpinWatch, origin: float) -> None:
    __tracebackhide__ = True
    code = spin.spinner()
    at = seconds((spin.caught or origin) - origin)
    where = tr("`{function}` (line {line})", function=code.co_name, line=code.co_firstlineno) if code else tr("your code")
    line = polls_at(code) if code else None
    source = linecache.getline(str(spin.path), line).strip() if line else ""
    fail(
        tr("`{name}` kept the event loop busy in a loop that never waits: {where} ran over and over at {at} of loop "
           "time, until the grader stopped it.", name=NAME, where=where, at=at),
        observed=tr("it called `queue.get_nowait()` (line {line}: `{source}`) again and again without waiting for an "
                    "item: nothing else could make progress, not the producers and not the clock.",
                    line=line, source=source)
        if line
        else tr("it polled without waiting for anything: nothing else could make progress, not the producers and not "
                "the clock."),
        expected=tr("consumers that wait for their next item with `await queue.get()`, leaving the loop free while the "
                    "queue is empty."),
        timeline=lanes(pipe, origin) if pipe.book.items else None,
        advice=tr("`item = await queue.get()` suspends the consumer until an item arrives. Polling with `get_nowait()` in "
                  "a `while` loop never waits: without an await it freezes the loop, and with `await asyncio.sleep(0)` "
                  "it still keeps the loop busy as long as the queue is empty."),
    )


# The chart: producers, consumers and the items waiting, over time.

LEGEND = "█ making or processing an item   ░ holding one, waiting to put it   ! raised"
LEGEND_WAITING = "waiting: items made and not yet taken by a consumer"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def lanes(pipe: Pipeline, origin: float) -> str:
    """One row per producer and per consumer, and the number of items made but not yet taken:

        producer 0 |█░░░░░█░░░░░█░░░░░                      | 0.00 → 5.10 s
        consumer 0 |████████████████████████████            | 0.10 → 7.60 s
        waiting    |12333333333333333332211                 |
    """
    book = pipe.book
    end = max(book.last_event(), origin + TOLERANCE)
    total = end - origin

    def column(t: float) -> int:
        return min(max(int((t - origin) / total * WIDTH), 0), WIDTH - 1)

    def paint(cells: list[str], start: float, stop: float | None, mark: str) -> None:
        first = column(start)
        last = max(first + 1, round(((end if stop is None else stop) - origin) / total * WIDTH))
        for c in range(first, min(last, WIDTH)):
            if mark == "█" or cells[c] == " ":
                cells[c] = mark

    rows: list[tuple[str, list[str], float | None, float | None]] = []
    for index in range(len(pipe.sources)):
        cells = [" "] * WIDTH
        items = [i for i in book.items.values() if i.source == index]
        for item in items:
            if item.made is not None:
                paint(cells, item.made, item.handed, "░")
        for item in items:
            paint(cells, item.asked, item.made, "█")
        stops = [t for i in items for t in (i.made, i.handed) if t is not None] + ([book.dry[index]] if index in book.dry else [])
        rows.append((tr("producer {i}", i=index), cells, min((i.asked for i in items), default=None), max(stops, default=None)))
    for index in range(len(book.consumers)):
        cells = [" "] * WIDTH
        works = [w for w in book.works if w.consumer == index]
        for work in works:
            paint(cells, work.start, work.end, "█")
        for work in works:
            if work.state == "failed" and work.end is not None:
                cells[max(column(work.end) - 1, column(work.start))] = "!"
        ends = [w.end for w in works if w.end is not None]
        rows.append((tr("consumer {i}", i=index), cells, min((w.start for w in works), default=None), max(ends, default=None)))
    counts = [0] * WIDTH
    for a, b in book.moments(origin, end):
        waiting = len(book.waiting(a, b))
        for c in range(column(a), max(column(a) + 1, round((b - origin) / total * WIDTH))):
            if c < WIDTH:
                counts[c] = max(counts[c], waiting)
    rows.append((tr("waiting"), [" " if n == 0 else str(n) if n < 10 else "+" for n in counts], None, None))
    width = max(display_width(name) for name, *_ in rows)
    lines = []
    for name, cells, first, last in rows:
        pad = " " * (width - display_width(name))
        span = f" {first - origin:.2f} → {last - origin:.2f} s" if first is not None and last is not None else ""
        lines.append(f"{name}{pad} |{''.join(cells)}|{span}")
    lines.append(" " * (width + 2) + tr(LEGEND))
    lines.append(" " * (width + 2) + tr(LEGEND_WAITING))
    return "\n".join(lines)


# Shared verdicts.


def lost_or_repeated(pipe: Pipeline, ran: Ran) -> None:
    """Every item that does not fail reaches process() exactly once, and nothing else does."""
    __tracebackhide__ = True
    book = pipe.book
    chart = lanes(pipe, ran.origin)
    if book.strangers:
        fail(
            tr("`{name}` passed {value} to process(), which is not one of the items.", name=NAME, value=book.strangers[0]),
            observed=tr("process() got {values}; no source made that.", values=", ".join(book.strangers[:3])),
            expected=tr("process() called with the items from the sources, and nothing else."),
            timeline=chart,
            advice=tr("Check for your stop signal before processing: `if item is None: break` (and a `task_done()` for "
                      "the sentinel too, if you join the queue after putting it)."),
        )
    twice = [i for i in book.items.values() if i.calls > 1]
    if twice:
        fail(
            tr("`{name}` processed item {item} {times}.", name=NAME, item=twice[0].value,
               times=plural(twice[0].calls, "time"), count=twice[0].calls),
            observed=tr("{count} items were processed more than once: {items}.", count=len(twice),
                        items=", ".join(str(i.value) for i in twice)),
            expected=tr("every item processed exactly once: each get() takes an item off the queue for one consumer."),
            timeline=chart,
            advice=tr("Put each item on the queue once, and process only what `await queue.get()` gives you."),
        )
    unmade = [(s, len(s.values) - s.position) for s in pipe.sources if s.position < len(s.values)]
    if unmade:
        source, missing = unmade[0]
        fail(
            tr("`{name}` never read {missing} of source {i}.", name=NAME, missing=plural(missing, "item"),
               count=missing, i=source.index),
            observed=tr("source {i} has {count} items; its producer asked for only {asked}.",
                        i=source.index, count=len(source.values), asked=source.position),
            expected=tr("every source read to its end, every item processed."),
            timeline=chart,
            advice=tr("Give each source a producer that reads it to the end: `async for item in source: await "
                      "queue.put(item)`."),
        )
    lost = [v for v in pipe.values if v not in pipe.failing and not book.items[v].calls]
    cut = [w for w in book.works if w.state == "cancelled" and w.item not in pipe.failing]
    if lost or cut:
        cancelled = sorted(t for t, how in book.ends.values() if how == "cancelled")
        returned = sorted(t for t, how in book.ends.values() if how == "returned")
        if cancelled:
            at = seconds(cancelled[0] - ran.origin)
            if lost and cut:
                why = tr("your consumers were cancelled at {at}: by then {lost} had not been taken, and {cut} were cut "
                         "short while being processed.", at=at, lost=plural(len(lost), "item"), count=len(lost),
                         cut=len(cut))
            elif cut:
                why = tr("your consumers were cancelled at {at}, cutting short {cut} while being processed.",
                         at=at, cut=plural(len(cut), "item"), count=len(cut))
            else:
                why = tr("your consumers were cancelled at {at}: by then {lost} had not been taken.",
                         at=at, lost=plural(len(lost), "item"), count=len(lost))
            advice = tr("Wait for the work before stopping the consumers: `await queue.join()` returns once every item "
                        "put has had its `task_done()`; cancel the consumers after that.")
        elif returned:
            why = tr("a consumer stopped at {at}, with {lost} still to come.", at=seconds(returned[0] - ran.origin),
                     lost=plural(len(lost), "item"), count=len(lost))
            advice = tr("Keep each consumer in its loop until it is told to stop: an empty queue only means the next item "
                        "has not arrived yet. Stop the consumers after `await queue.join()` (cancel them, or one sentinel "
                        "each).")
        else:
            why = tr("{lost} never reached process().", lost=plural(len(lost) + len(cut), "item"), count=len(lost) + len(cut))
            advice = tr("Make sure every item put on the queue is taken by a consumer before the call returns: "
                        "`await queue.join()` waits for that.")
        fail(
            tr("`{name}` lost {count} of {total} items.", name=NAME, count=len(lost) + len(cut), total=len(pipe.values)),
            observed=tr("{why} Never processed: {items}.", why=why, items=", ".join(map(str, [*lost, *(w.item for w in cut)]))),
            expected=tr("every item processed exactly once before the call returns."),
            timeline=chart,
            advice=advice,
        )


def report(pipe: Pipeline, value: Any) -> None:
    """run_pipeline returns (processed, failed): how many items were processed, and which failed."""
    __tracebackhide__ = True
    failed = sorted(pipe.failing)
    expected = f"({len(pipe.values) - len(failed)}, {failed!r})"
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        fail(
            tr("`{name}` returned {value} instead of a pair (processed, failed).", name=NAME, value=shown(value)),
            expected=tr("{expected}: the number of items processed without error, and a list of the items whose "
                        "processing raised.", expected=expected),
            advice=tr("End with `return processed, failed`.") if value is None else None,
        )
    count, items = value
    try:
        got = sorted(items)
    except TypeError:
        got = None
    if got != failed:
        if not failed:
            fail(tr("`{name}` reported failures when no item failed.", name=NAME), observed=shown(value),
                 expected=expected)
        fail(
            tr("`{name}` reported {got} as failed; the items whose processing raised were {failed}.",
               name=NAME, got=shown(items), failed=", ".join(map(str, failed))),
            observed=shown(value),
            expected=tr("{expected}: the failed items themselves (not their exceptions), in any order.", expected=expected),
            advice=tr("In the consumer: `except Exception: failed.append(item)` around `await process(item)`."),
        )
    if count != len(pipe.values) - len(failed) or isinstance(count, bool):
        fail(
            tr("`{name}` said it processed {got} items; {processed} were processed without error.",
               name=NAME, got=shown(count), processed=len(pipe.values) - len(failed)),
            observed=shown(value),
            expected=expected,
            advice=tr("Count an item as processed once `await process(item)` has returned without raising."),
        )


def idle_stretch(book: Book, n: int, origin: float, until: float) -> tuple[float, float, int, int, list[Item]] | None:
    """The first stretch before `until` (the last item taken) in which fewer than n consumers worked
    although there was work for them: items waiting, or a producer holding one back. Adjacent
    stretches like it are joined: (start, end, fewest working, most waiting, items held)."""
    found: list[tuple[float, float, int, int, list[Item]]] = []
    for a, b in book.moments(origin, until):
        busy, waiting, held = book.busy(a, b), book.waiting(a, b), book.held(a, b)
        if len(busy) < n and (waiting or held):
            if found and abs(found[-1][1] - a) > TOLERANCE:
                break
            found.append((a, b, len(busy), len(waiting), held))
        elif found:
            break
    if not found:
        return None
    return (found[0][0], found[-1][1], min(f[2] for f in found), max(f[3] for f in found), found[0][4])


# The graders.


async def test_every_item_is_processed_exactly_once(learner: Learner, rng: random.Random) -> None:
    pipe = pipeline(rng)
    ran = await run(learner, pipe)
    finish(learner, ran)
    lost_or_repeated(pipe, ran)
    report(pipe, ran.outcome.value)


async def test_producers_wait_while_the_queue_is_full(learner: Learner, rng: random.Random) -> None:
    pipe = pipeline(rng)
    ran = await run(learner, pipe)
    finish(learner, ran)
    book = pipe.book
    most, at = 0, ran.origin
    for a, b in book.moments(ran.origin, ran.returned):
        waiting = len(book.waiting(a, b))
        if waiting > most:
            most, at = waiting, a
    if most <= pipe.bound:
        return
    held = sum((i.handed or ran.returned) - i.made for i in book.items.values() if i.made is not None)
    never = held <= TOLERANCE
    fail(
        tr("`{name}` let {most} items pile up; with maxsize={maxsize} at most {bound} may wait.",
           name=NAME, most=most, maxsize=pipe.maxsize, bound=pipe.bound),
        observed=tr("at {at}, {most} items had been made and not yet taken by a consumer; your producers never once "
                    "waited to put an item.", at=seconds(at - ran.origin), most=most)
        if never
        else tr("at {at}, {most} items had been made and not yet taken by a consumer.",
                at=seconds(at - ran.origin), most=most),
        expected=tr("at most {maxsize} items in the queue and one in each producer's hand ({bound} in all): a producer "
                    "waits in `await queue.put(item)` while the queue is full.", maxsize=pipe.maxsize, bound=pipe.bound),
        timeline=lanes(pipe, ran.origin),
        advice=tr("Create the queue with its limit: `asyncio.Queue(maxsize)`. `asyncio.Queue()` has no limit, so put() "
                  "never waits and fast producers run far ahead of the consumers.")
        if never
        else tr("Give the queue exactly `maxsize` places, `asyncio.Queue(maxsize)`, and put each item straight on it: "
                "no list or second queue on the way."),
    )


async def test_every_consumer_is_busy_while_items_wait(learner: Learner, rng: random.Random) -> None:
    pipe = pipeline(rng)
    ran = await run(learner, pipe)
    finish(learner, ran)
    book = pipe.book
    n = pipe.consumers
    chart = lanes(pipe, ran.origin)
    stretches = book.moments(ran.origin, ran.returned)
    most = max((len(book.busy(a, b)) for a, b in stretches), default=0)
    if most > n:
        fail(
            tr("`{name}` processed {most} items at once; it was given {n} consumers.", name=NAME, most=most, n=n),
            observed=tr("up to {most} calls of process() were running at the same moment.", most=most),
            expected=tr("{count} consumer Tasks, each processing one item at a time.", count=n),
            timeline=chart,
            advice=tr("Start exactly `consumers` consumer Tasks, and have each one await `process(item)` before taking "
                      "the next item."),
        )
    taken = [i.taken for i in book.items.values() if i.taken is not None]
    idle = idle_stretch(book, n, ran.origin, max(taken, default=ran.origin))
    if idle is not None:
        a, b, busy, waiting, held = idle
        blanks = {"start": seconds(a - ran.origin), "end": seconds(b - ran.origin), "busy": busy, "n": n}
        if waiting:
            observed = tr("from {start} to {end} only {busy} of the {n} consumers worked, while up to {waiting} waited.",
                          waiting=plural(waiting, "item"), count=waiting, **blanks)
        else:
            item = held[0]
            sequential = any(w.item == item.value and w.end is not None and item.handed is not None
                             and abs(w.end - item.handed) <= TOLERANCE for w in book.works)
            observed = tr("from {start} to {end} only {busy} of the {n} consumers worked: producer {p} did not make its "
                          "next item until item {item} had been processed.", p=item.source, item=item.value, **blanks) \
                if sequential else \
                tr("from {start} to {end} only {busy} of the {n} consumers worked, while producer {p} held item {item} "
                   "instead of putting it on the queue.", p=item.source, item=item.value, **blanks)
        quit = sorted((t, i, how) for i, (t, how) in book.ends.items() if t < b - TOLERANCE)
        if quit:
            at, index, how = quit[0]
            observed = tr("{first} {second}", first=observed, second=tr(
                "{ended} at {at}, before the work was done.", ended=ended(pipe, index, how), at=seconds(at - ran.origin)))
            advice = tr("Keep every consumer taking items until all the work is done: stop the consumers only after "
                        "`await queue.join()` (cancel them, or put one sentinel per consumer then).")
        elif len(book.consumers) < n:
            advice = tr("Start {n} consumer Tasks, e.g. `[asyncio.create_task(consume()) for _ in range(consumers)]`: "
                        "only {count} ever processed items, and a consumer processes one item at a time.",
                        n=n, count=len(book.consumers))
        else:
            advice = tr("Let the producers only put items on the queue, and have each consumer take the next one with "
                        "`await queue.get()` the moment it is free.")
        fail(
            tr("`{name}` left a consumer idle while there was work for it.", name=NAME),
            observed=observed,
            expected=tr("every one of the {n} consumers busy as long as items are waiting: a consumer takes the next "
                        "item the moment it is done with one.", n=n),
            timeline=chart,
            advice=advice,
        )


async def test_shutdown_waits_for_the_work_and_leaves_no_task(learner: Learner, rng: random.Random) -> None:
    # Fewer producers than consumers: a sentinel per producer leaves consumers waiting, on every draw.
    pipe = pipeline(rng, producers=(1, 2), consumers=(3, 4))
    ran = await run(learner, pipe)
    finish(learner, ran)
    book = pipe.book
    finished = {w.item for w in book.works if w.state in ("done", "failed") and w.end <= ran.returned + TOLERANCE}
    unfinished = [v for v in pipe.values if v not in finished]
    running = [w for w in book.works if w.end is None or w.end > ran.returned + TOLERANCE]
    if unfinished:
        fail(
            tr("`{name}` returned at {at}, before the work was done.", name=NAME, at=seconds(ran.returned - ran.origin)),
            observed=tr("when it returned, {count} of the {total} items had not been processed to the end, {running} of "
                        "them still being processed.", count=len(unfinished), total=len(pipe.values),
                        running=len(running))
            if running
            else tr("when it returned, {count} of the {total} items had not been processed to the end.",
                    count=len(unfinished), total=len(pipe.values)),
            expected=tr("the call returning only after every item has been processed."),
            timeline=lanes(pipe, ran.origin),
            advice=tr("After the producers are done, `await queue.join()`: it returns once every item put on the queue "
                      "has had its `task_done()`. Stop the consumers only then."),
        )
    if ran.left:
        stopped = sum(1 for t in book.consumers if t.done())
        cancelling = [t for t in ran.left if t.cancelling() > 0]
        waiting = [t for t in ran.left if t in book.consumers and suspension(t, learner.path).call == "await queue.get()"]
        if cancelling:
            advice = tr("`task.cancel()` only asks a Task to stop; it stops at its next await, after your function has "
                        "returned. Wait for that: `await asyncio.gather(*consumers, return_exceptions=True)` after "
                        "cancelling them.")
        elif waiting:
            advice = stop_advice(pipe, stopped)
        else:
            advice = tr("Await every Task you create before returning.")
        fail(
            tr("`{name}` returned while 1 of its Tasks was still running.", name=NAME)
            if len(ran.left) == 1
            else tr("`{name}` returned while {count} of its Tasks were still running.", name=NAME, count=len(ran.left)),
            observed=tr("still running when it returned: {tasks}.",
                        tasks=whereabouts(learner, pipe, ran.left, sep="; ")),
            expected=tr("every Task the call started ended by the time it returns: the consumers stopped once the queue "
                        "is joined."),
            advice=advice,
        )


async def test_a_failing_item_is_reported_and_the_rest_go_on(learner: Learner, rng: random.Random) -> None:
    pipe = pipeline(rng, failing=rng.randint(1, 2))
    ran = await run(learner, pipe)
    book = pipe.book
    failed = sorted(pipe.failing)
    error = ran.outcome.error
    first = min((w for w in book.works if w.state == "failed"), key=lambda w: (w.end, w.item), default=None)
    if error is not None and first is None:
        learner.fail_raised(NAME, error)
    if error is not None and first is not None:
        done = {w.item for w in book.works if w.state == "done"}
        never = [v for v in pipe.values if v not in pipe.failing and v not in done]
        fail(
            tr("`{name}` raised {kind} when item {item} failed: one failing item stopped the whole pipeline.",
               name=NAME, kind=type(error).__name__, item=first.item),
            observed=tr("{never} of {count} items were never processed.", never=len(never), count=len(pipe.values))
            if never
            else tr("every other item was processed, but the call raised instead of reporting the failure."),
            expected=tr("{items} reported in the list of failed items, and every other item processed.",
                        items=", ".join(map(str, failed))),
            timeline=lanes(pipe, ran.origin),
            details=learner.format_error(error),
            advice=tr("Catch the failure around `await process(item)` inside the consumer's loop: "
                      "`except Exception: failed.append(item)`, then go on with the next item. An exception that leaves "
                      "a consumer ends it (and in a TaskGroup, cancels all the others)."),
        )
    lost_or_repeated(pipe, ran)
    taken = [i.taken for i in book.items.values() if i.taken is not None]
    last = max(taken, default=ran.origin)
    early = sorted((t, i, how) for i, (t, how) in book.ends.items() if t < last - TOLERANCE)
    if early:
        at, index, how = early[0]
        fail(
            tr("`{name}` lost a consumer when an item failed.", name=NAME),
            observed=tr("{ended} at {at}, while items were still waiting; the other consumers had to do its share.",
                        ended=ended(pipe, index, how), at=seconds(at - ran.origin)),
            expected=tr("every consumer going on with the next item after a failure, until the work is done."),
            timeline=lanes(pipe, ran.origin),
            advice=tr("Catch the failure around `await process(item)`, inside the loop: note the item and go on with "
                      "the next one, rather than leaving the loop."),
        )
    report(pipe, ran.outcome.value)
