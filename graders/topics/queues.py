"""Graders for topic 09: asyncio.Queue — producers, consumers, backpressure and shutdown.

`run_pipeline(sources, process, consumers, maxsize)` gets probes: each source is an async
iterable whose items take loop time to make, and `process` an async function whose every call
takes loop time too. Together they record, for every item, when it was made, when its producer
asked for the next one (so the put was over), when a consumer took it (process started) and
when that ended, and which Task did each. At each step of a consumer they also look at the
others: the queue the consumers wait on (and its count of items without their task_done()), and
where a producer holding an item waits. The rules are judged on those records, never on the
timing of one particular schedule:

- exactly once: every item reaches process() once, and the call reports the right count;
- backpressure: items put and not yet taken never exceed `maxsize`, nor items made and not taken
  `maxsize` plus one in each producer's hand; a producer holding an item waits in
  `await queue.put(item)`, not in a sleep of its own between tries; and every source is read from
  the start, by a producer of its own, while the others wait;
- busy consumers: never more than `consumers` items processed at once, and while items remain, a
  consumer is idle only when nothing waits for it (no item made and not taken, no producer held back);
- shutdown: the call returns once every item is done, and no Task it started is left;
- failures: an item whose processing raises is reported, and the rest go on.

No draw has as many producers as consumers: more producers than consumers in one grader, fewer
in the others, so that starting one consumer per source shows, both ways.

A call that never returns is stopped after a budget of loop time, which costs nothing real, and
the message says where its Tasks were waiting and, of the Tasks that stopped, which stopped when
and after what (`stuck`, `stop_reason`). A loop that spins without ever waiting (get_nowait in a
`while` loop) is caught by SpinWatch within a fraction of a second, which then traces the lines it
goes round.
"""

from __future__ import annotations

import _thread
import asyncio
import math
import functools
import inspect
import dis
import io
import linecache
import random
import signal
import sys
import threading
import time
import tokenize
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

import pytest

from graders.harness import naps, schedule
from graders.harness.checks import leaves
from graders.harness.feedback import GraderFailure, fail, plural, seconds, shown
from graders.i18n import listed, sentences, tr
from graders.harness.learner import Learner, Outcome, known_advice
from graders.harness.probes import IN_LOOP_TIME, JobFailed, loop_clock, posing_as
from graders.harness.timeline import WIDTH

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]

NAME = "run_pipeline"
TOLERANCE = schedule.TOLERANCE  # seconds of loop time: what separates two moments that virtual time makes exact
MAKING = (0.05, 0.1, 0.15)  # seconds to make one item: at most 12 per source are made in 1.8 s...
PROCESSING = (2.0, 2.5, 3.0, 3.5, 4.0)  # ...before the first item processed is done, on every draw
MOST_PER_SOURCE = 12
LOOK_AFTER = 2 * TOLERANCE  # seconds of loop time after an item is made or put, to see who holds it up (Book.look_later)
MOST_IDLED = 8  # such looks that found consumers waiting elsewhere than in get(): enough to explain an idle stretch


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
class Stop:
    """How one of the call's Tasks ended, in loop time."""

    at: float
    how: str  # "returned", "cancelled", or the name of the exception it raised
    error: BaseException | None = None


@dataclass
class Overdone:
    """The first moment the queue counted fewer items without their task_done() than it held or had out in process()."""

    at: float
    consumer: int
    item: int
    unfinished: int
    expected: int
    code: CodeType | None  # the learner's function that called process()


@dataclass
class Polled:
    """A producer found holding an item, made a while before, in a sleep of its own rather than in put()."""

    at: float
    source: int
    item: int
    made: float
    line: int | None
    text: str
    code: CodeType | None


@dataclass
class Napped:
    """A consumer found between items in a sleep of its own rather than in get(): it looks at the queue, sleeps, looks
    again."""

    at: float
    consumer: int
    line: int | None
    text: str


@dataclass
class Idled:
    """An item in the queue (its producer had moved on) that no consumer had taken a moment later, and the
    Tasks that were then waiting in the learner's code elsewhere than in a Queue method or a probe: reading no
    source, processing nothing. Those of them that processed items at some point were consumers."""

    at: float
    item: int
    since: float  # when its producer moved on to the next
    places: list[tuple[asyncio.Task[Any], Suspension]]


@dataclass
class Outside:
    """An item its producer had moved on from (it asked its source for the next) that was neither in the queue nor
    taken by a consumer a moment later, while consumers waited in get() for one: held back outside the queue."""

    at: float
    item: int
    source: int
    made: float
    getters: list[asyncio.Task[Any]]  # the Tasks then waiting in `await queue.get()`


@dataclass
class Book:
    """What the probes saw, in loop time."""

    items: dict[int, Item] = field(default_factory=dict)
    works: list[Work] = field(default_factory=list)
    strangers: list[str] = field(default_factory=list)  # what process() got that no source made
    consumers: list[asyncio.Task[Any]] = field(default_factory=list)  # in the order they first called process()
    producers: dict[int, asyncio.Task[Any]] = field(default_factory=dict)  # source -> the Task that read it
    dry: dict[int, float] = field(default_factory=dict)  # source -> when it said it had no more items
    first_ask: dict[int, float] = field(default_factory=dict)  # source -> when it was first asked for an item
    last: dict[int, Item] = field(default_factory=dict)  # source -> the item it made last
    call: asyncio.Task[Any] | None = None  # the Task awaiting the learner's run_pipeline
    origin: float = 0.0  # when the call began
    path: Path | None = None  # the learner's file
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)  # every Task created while the call ran
    stops: dict[asyncio.Task[Any], Stop] = field(default_factory=dict)  # how the Tasks seen here ended
    tracked: set[asyncio.Task[Any]] = field(default_factory=set)
    creators: dict[asyncio.Task[Any], tuple[asyncio.Task[Any] | None, float]] = field(default_factory=dict)  # who made each, when
    queue: Any = None  # the queue the consumers wait on, once one was seen waiting in get()
    overdone: Overdone | None = None
    polled: Polled | None = None
    napped: Napped | None = None
    cancelled_by_them: set[asyncio.Task[Any]] = field(default_factory=set)  # cancelled, not by the grader, when it stopped
    idled: list[Idled] = field(default_factory=list)
    outside: list[Outside] = field(default_factory=list)
    total: int = 0  # items the sources hold, all told
    lingered: Lingered | None = None  # where the call's Tasks waited a moment after the last item was done
    returned: Any = None  # what the call returned

    def track(self, task: asyncio.Task[Any] | None) -> None:
        """Note when and how `task` ends."""
        if task is None or task in self.tracked:
            return
        self.tracked.add(task)
        task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[Any]) -> None:
        error = None if task.cancelled() else task.exception()  # read, so asyncio does not log it
        self.stops.setdefault(task, Stop(task.get_loop().time(), ending(task), error))

    def on_behalf_of(self, task: asyncio.Task[Any] | None) -> asyncio.Task[Any] | None:
        """The consumer a Task processes an item for: a Task made at this very moment by another one to run
        process() for it (`wait_for`, `gather`, a Task per item) stands for the Task that made it."""
        now = loop_clock()
        while task in self.creators:
            creator, born = self.creators[task]
            if creator is None or now - born > TOLERANCE:
                break
            task = creator
        return task

    def consumer(self, task: asyncio.Task[Any] | None) -> int:
        if task is None:
            return -1
        if task not in self.consumers:
            self.consumers.append(task)
            self.track(task)
        return self.consumers.index(task)

    @property
    def ends(self) -> dict[int, Stop]:
        """consumer -> how its Task ended, for those that did."""
        return {i: self.stops[t] for i, t in enumerate(self.consumers) if t in self.stops}

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

    def queued(self, a: float, b: float) -> list[Item]:
        """Items in the queue all through the stretch: their producer had moved on to the next, no consumer had taken
        them. Judged in its middle: a stretch runs between two events, so nothing changes within it."""
        middle = (a + b) / 2
        return [i for i in self.items.values()
                if i.handed is not None and i.handed < middle and (i.taken is None or i.taken > middle)]

    def queued_at(self, t: float) -> int:
        return sum(1 for i in self.items.values()
                   if i.handed is not None and i.handed <= t + TOLERANCE and (i.taken is None or i.taken > t + TOLERANCE))

    def busy(self, a: float, b: float) -> list[Work]:
        return [w for w in self.works if w.start <= a + TOLERANCE and (w.end is None or w.end >= b - TOLERANCE)]

    def held(self, a: float, b: float) -> list[Item]:
        """Items their producer held all through the stretch: made, and the producer not yet asking for more."""
        return [i for i in self.items.values()
                if i.made is not None and i.made <= a + TOLERANCE and (i.handed is None or i.handed >= b - TOLERANCE)]

    def events(self) -> list[float]:
        """Every recorded moment: an item asked for, made, handed on or taken, process() begun or ended, a source dry."""
        times = [*self.dry.values()]
        for item in self.items.values():
            times += [t for t in (item.asked, item.made, item.handed, item.taken) if t is not None]
        times += [t for w in self.works for t in (w.start, w.end) if t is not None]
        return times

    def last_event(self) -> float:
        return max(self.events(), default=0.0)

    def quiet_for(self, at: float) -> float:
        """How long nothing had happened at `at`: since the last recorded moment up to it."""
        return at - max((t for t in self.events() if t <= at + TOLERANCE), default=self.origin)

    def look(self, current: asyncio.Task[Any] | None, item: int, code: CodeType | None, starting: bool) -> None:
        """At a consumer's step (taking an item, or done with it), what the other Tasks show: the queue
        the consumers wait on, whether its count of items without their task_done() still covers the
        items in it and in process(), and where each producer holding an item waits."""
        if self.path is None:
            return
        now = loop_clock()
        if self.queue is None:
            for task in self.tasks:
                if task is not current and not task.done() and task not in self.producers.values():
                    where = suspension(task, self.path)
                    if where.call == "await queue.get()":
                        self.queue = where.queue
                        break
        if starting and self.overdone is None and self.queue is not None:
            unfinished = getattr(self.queue, "_unfinished_tasks", None)
            expected = self.queue.qsize() + sum(1 for w in self.works if w.state == "running")
            if isinstance(unfinished, int) and unfinished < expected:
                self.overdone = Overdone(now, self.consumer(current), item, unfinished, expected, code)
        if self.napped is None:
            working = {w.consumer for w in self.works if w.state == "running"}
            for index, task in enumerate(self.consumers):
                if task is current or task.done() or index in working:
                    continue
                where = suspension(task, self.path)
                if where.call is None and not where.probe and where.sleep:  # between items, asleep: polling the queue
                    self.napped = Napped(now, index, where.line, where.source)
                    break
        if self.polled is None:
            for index, task in sorted(self.producers.items()):
                held = self.last.get(index)
                if task is current or task.done() or held is None or held.handed is not None or held.made is None \
                        or held.taken is not None or now - held.made <= TOLERANCE:
                    continue
                where = suspension(task, self.path)
                if where.call is None and where.sleep is not None:  # holding the item, asleep: polling
                    self.polled = Polled(now, index, held.value, held.made, where.line, where.source, where.code)
                    break

    # A moment after an item is made, and after its producer moves on, a look at the Tasks: the steps of the
    # consumers (look) may all fall before and after a stretch in which a producer holds its item asleep, or
    # consumers wait elsewhere than in get() while it is in the queue. One timer each, no more once seen.

    def look_later(self, item: Item) -> None:
        """Look again LOOK_AFTER from now at `item`, just made (or just handed on by its producer)."""
        if self.path is None or (item.handed is None and self.polled is not None) \
                or (item.handed is not None and len(self.idled) >= MOST_IDLED):
            return
        asyncio.get_running_loop().call_later(LOOK_AFTER, self._look_again, item, item.handed is not None)

    def _look_again(self, item: Item, handed: bool) -> None:
        if self.path is None or self.call is None or self.call.done() or item.taken is not None:
            return
        now = loop_clock()
        if not handed:  # still in its producer's hand: asleep rather than in put()?
            task = self.producers.get(item.source)
            if self.polled is not None or item.handed is not None or task is None or task.done():
                return
            where = suspension(task, self.path)
            if where.call is None and where.sleep:
                self.polled = Polled(now, item.source, item.value, item.made or now, where.line, where.source, where.code)
            return
        producers = set(self.producers.values())
        if len(self.outside) < MOST_IDLED and item.made is not None:
            getters = [(t, w) for t, w in ((t, suspension(t, self.path)) for t in self.tasks
                                           if not t.done() and t is not self.call and t not in producers)
                       if w.call == "await queue.get()"]
            if getters and all(item.value not in list(getattr(w.queue, "_queue", [item.value])) for _, w in getters):
                self.outside.append(Outside(now, item.value, item.source, item.made, [t for t, _ in getters]))
        queue = self.queue or next((w.queue for w in (suspension(t, self.path) for t in producers if not t.done())
                                    if w.call == "await queue.put(item)"), None)
        if queue is not None and item.value not in list(getattr(queue, "_queue", [item.value])):
            return  # out of the queue, though process() has not begun on it: not the consumers' wait to tell
        places = []
        for task in self.tasks:
            if task.done() or task is self.call or task in producers:
                continue
            where = suspension(task, self.path)
            if where.call is None and not where.probe and where.line is not None:
                places.append((task, where))
        if places and item.handed is not None:  # (handed: for the type checker)
            self.idled.append(Idled(now, item.value, item.handed, places))


    def all_done(self) -> bool:
        """Every item of every source processed to the end (done or failed), none still in process()."""
        ended = {w.item for w in self.works if w.state in ("done", "failed")}
        return len(ended) == self.total and all(w.end is not None for w in self.works)

    def look_at_the_end(self) -> None:
        """A moment after the last item is done, where the call and its Tasks wait: a call that has not returned by
        then waits for something other than the work."""
        if self.path is None or self.call is None or self.call.done() or self.lingered is not None:
            return
        places = [(task, suspension(task, self.path)) for task in [self.call, *self.tasks] if not task.done()]
        self.lingered = Lingered(loop_clock(), places)


@dataclass
class Lingered:
    """Where the call's Tasks waited LOOK_AFTER after the last item was done, the call not yet returned."""

    at: float
    places: list[tuple[asyncio.Task[Any], Suspension]]


def ending(task: asyncio.Task[Any]) -> str:
    if task.cancelled():
        return "cancelled"
    error = task.exception()
    return "returned" if error is None else type(error).__name__


def calling_code(path: Path | None) -> CodeType | None:
    """The learner's innermost function on the way to the probe that calls this."""
    frame = sys._getframe(2)
    while frame is not None and path is not None:
        if Path(frame.f_code.co_filename) == path:
            return frame.f_code
        frame = frame.f_back
    return None


class Source:
    """`async for item in source:` gives this source's items, each after `seconds` of loop time."""

    def __init__(self, book: Book, index: int, values: list[int], seconds: list[float]) -> None:
        self.book, self.index, self.values, self.seconds = book, index, values, seconds
        self.position = 0

    def __repr__(self) -> str:
        return f"<source {self.index}: {len(self.values)} items>"

    def __aiter__(self) -> Source:
        return self

    async def aclose(self) -> None:
        """As an async generator has: code that closes its sources (`contextlib.aclosing`) may; nothing to free."""

    async def __anext__(self) -> int:
        now = loop_clock()
        task = asyncio.current_task()
        self.book.producers.setdefault(self.index, task)  # type: ignore[arg-type]
        self.book.track(task)
        self.book.first_ask.setdefault(self.index, now)
        previous = self.book.last.get(self.index)
        if previous is not None and previous.handed is None:
            previous.handed = now
            self.book.look_later(previous)
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
        self.book.look_later(item)
        return value


async def _process(item: Any) -> None:
    """The shape of process: an async function of one item."""


class Process:
    """`await process(item)` processes one item in loop time; it raises JobFailed for the failing ones."""

    def __init__(self, book: Book, seconds: dict[int, float], failing: set[int]) -> None:
        self.book, self.seconds, self.failing = book, seconds, failing
        posing_as(self, _process, "process")

    def __repr__(self) -> str:
        return "<process: an async function>"

    def __call__(self, item: Any) -> Coroutine[Any, Any, None]:
        # The consumer is the Task that calls process(item), not the one that runs it: `asyncio.wait_for` (up to
        # 3.11), `gather` or `create_task` run the coroutine in a Task of their own, on the consumer's behalf.
        return self._process(item, asyncio.current_task())

    async def _process(self, item: Any, caller: asyncio.Task[Any] | None) -> None:
        task = self.book.on_behalf_of(caller or asyncio.current_task())
        consumer = self.book.consumer(task)
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
        code = calling_code(self.book.path)
        self.book.look(task, item, code, starting=True)
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
            if work.state != "cancelled":
                self.book.look(task, item, code, starting=False)
            if self.book.all_done():
                asyncio.get_running_loop().call_later(LOOK_AFTER, self.book.look_at_the_end)


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


def pipeline(rng: random.Random, *, producers: tuple[int, int], consumers: tuple[int, int], more_producers: bool,
             failing: int = 0, one_done_first: bool = False, together: bool = False, pause: bool = False,
             unlike: Pipeline | None = None) -> Pipeline:
    """Producers much faster than consumers, and more items than a full queue, the producers' hands
    and the consumers can hold together: an unbounded queue (or one place too many) outgrows the
    bound, one consumer leaves items waiting, and a consumer that stops early leaves work behind, on
    every draw. There are never as many producers as consumers: more, or fewer, as asked.

    A failing item is the first of its source, made and processed in the least time: with fewer
    producers than consumers it is taken at once and fails at 2.05 s. Then every source holds more
    items than can have been put by then (2 per consumer and a full queue), so no producer is done
    before a failure: a consumer that stops on a failure is never mistaken for one that stops when
    a producer is done, nor the other way round.

    `one_done_first`: one source holds a single item, made first and alone (in the least time, the
    other sources' first items in more), so its producer is done before any other has put an item;
    and another holds n + 3 more than any other. Consumers stopped once the first producer is done
    (a sentinel each then, or cancelled), or once all but the long one are (a sentinel per producer),
    leave some of the long source behind, on every draw.

    `together`: at least two producers, and every source's first item made at the same moment, more
    of them than the queue has places: a producer that cannot put its item at once must wait in
    `await queue.put(item)`, which hands it on the moment a consumer takes one. A producer that
    sleeps and tries again instead holds its item while consumers are idle, on every draw.

    `unlike`: an earlier call's pipeline, none of whose items this one's share: what a call reports is told apart
    from what the earlier one did.

    `pause`: one source makes its last item only after a pause longer than the consumers need to process every
    other item, so the queue runs empty and the consumers idle while that producer still has an item to come. A
    join() that does not wait for the producers first returns in that pause, and consumers that stop when nothing
    comes for a while stop in it, on every draw. With three sources, the middle one pauses: the other two are done
    long before it, so a call that waits for one producer only (the first, the last, or the first to end) joins in the
    pause too."""
    book = Book()
    pairs = [(p, n) for p in range(max(producers[0], 2 if together else 1), producers[1] + 1)
             for n in range(max(consumers[0], 2), consumers[1] + 1) if (p > n if more_producers else p < n)]
    p, n = rng.choice(pairs)
    maxsize = rng.randint(1, min(3, p - 1) if together else 3)
    shortest, longest = rng.sample(range(p), 2) if one_done_first else (-1, -1)
    if failing:
        least = 2 * n + maxsize
        counts = [rng.randint(least, min(least + 2, MOST_PER_SOURCE)) for _ in range(p)]
    else:
        total = maxsize + p + n + rng.randint(2, 4)
        counts = [1] * p
        if one_done_first:
            counts[longest] += n + 3
        for _ in range(total - sum(counts)):
            counts[rng.choice([i for i in range(p) if counts[i] < MOST_PER_SOURCE and i != shortest])] += 1
        if one_done_first:  # the long one longest by n + 3 still, whatever the others drew
            counts[longest] = max(counts[longest], max(c for i, c in enumerate(counts) if i != longest) + n + 3)
    taken = set() if unlike is None else set(unlike.values)
    values = rng.sample([v for v in range(100, 1000) if v not in taken], sum(counts))
    if unlike is None:
        # An item 0 on every draw (not in a later call, which must share none with the first): an item like any other.
        # The second of the longest source's, early: items made after it show that the work went on past it.
        longest_source = counts.index(max(counts))
        values[sum(counts[:longest_source]) + min(1, counts[longest_source] - 1)] = 0
    sources, start = [], 0
    for index, count in enumerate(counts):
        chunk = values[start:start + count]
        start += count
        sources.append(Source(book, index, chunk, [rng.choice(MAKING) for _ in chunk]))
    for source in sources:
        if together or source.index == shortest:
            source.seconds[0] = MAKING[0]
        elif one_done_first:
            source.seconds[0] = rng.choice(MAKING[1:])
    chosen = set(rng.sample([s.values[0] for s in sources], min(failing, p)))
    for source in sources:
        if source.values[0] in chosen:
            source.seconds[0] = MAKING[0]
    process = Process(book, {v: PROCESSING[0] if v in chosen else rng.choice(PROCESSING) for v in values}, chosen)
    if pause:
        # Every other item made and processed by then, however the consumers share them out: all the making, and
        # the processing shared by n consumers, one item each longer than the rest at most. Fractional, past a
        # whole second, so that no round timeout of the learner's lines up with it. The one in the middle pauses, so
        # that a call that waits for the first producer only, the last only, or the first to end
        # (`asyncio.wait(..., return_when=FIRST_COMPLETED)`) joins in the pause, on every draw.
        paused = sources[len(sources) // 2]
        making = sum(sum(s.seconds) for s in sources)
        processing = sum(process.seconds.values())
        paused.seconds[-1] = round(making + processing / n + max(PROCESSING) + rng.choice((1.35, 1.65, 2.15)), 2)
    book.total = len(values)
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
    book = pipe.book
    origin = book.origin = loop_clock()
    book.path = learner.path
    loop = asyncio.get_running_loop()

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

    call = book.call = asyncio.create_task(call_and_look())
    stopping = False
    factory = loop.get_task_factory()

    def noting(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> asyncio.Task[Any]:
        """Every Task created while the call runs, so that one that ends at once is known too."""
        task = factory(loop, coro, **options) if factory is not None else asyncio.Task(coro, loop=loop, **options)
        book.tasks.append(task)
        book.creators[task] = (asyncio.current_task(loop), loop_clock())
        book.track(task)
        return task

    def stop_all() -> None:
        nonlocal stopping
        stopping = True
        if spin.caught is not None:  # spinning: note who yields with sleep(0) and comes straight back
            for task in theirs():
                where = suspension(task, learner.path)
                if where.sleep is not None and where.sleep <= 0:
                    spin.note(where.code, where.line)
        book.cancelled_by_them = {task for task in theirs() if task.cancelling()}  # before the grader's own cancel
        for task in [call, *theirs()]:
            task.cancel()

    loop.set_task_factory(noting)
    try:
        with SpinWatch(learner.path, loop, stop_all) as spin:
            done, _ = await asyncio.wait({call}, timeout=pipe.budget)
    finally:
        loop.set_task_factory(factory)
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
    cancelled = [i for i, stop in sorted(pipe.book.ends.items()) if stop.how == "cancelled"]
    fail(
        tr("`{name}` raised CancelledError, though the grader never cancelled it.", name=NAME),
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
    for task in [*tasks, *pipe.book.consumers, *pipe.book.producers.values(), *pipe.book.tasks]:
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
    code: CodeType | None = None  # the learner's innermost function on the way there
    sleep: float | None = None  # the delay of the asyncio.sleep() it waits in, if the learner's code awaits it itself
    probe: bool = False  # inside a source or process(): making or processing an item


def suspension(task: asyncio.Task[Any], path: Path) -> Suspension:
    frames = naps.awaiting(task)
    mine = [f for f in frames if f.f_code.co_filename == str(path)]
    queued = next((f for f in frames if f.f_code in QUEUE_CALLS), None)
    # A sleep of the learner's own, not the one a probe waits in while it makes or processes an item.
    sleeping = next((f for i, f in enumerate(frames) if f.f_code is asyncio.sleep.__code__
                     and i > 0 and frames[i - 1].f_code.co_filename == str(path)), None)
    probes = (Source.__anext__.__code__, Process._process.__code__)
    delay = sleeping.f_locals.get("delay") if sleeping is not None else None
    line = mine[-1].f_lineno if mine else None
    return Suspension(
        QUEUE_CALLS[queued.f_code] if queued else None,
        queued.f_locals.get("self") if queued else None,
        line,
        line_of(path, line),
        mine[-1].f_code if mine else None,
        float(delay) if sleeping is not None and isinstance(delay, (int, float)) else None,
        any(f.f_code in probes for f in frames),
    )


def label(pipe: Pipeline, task: asyncio.Task[Any]) -> str:
    book = pipe.book
    if task is book.call:
        return f"`{NAME}`"
    if task in book.consumers:
        return tr("consumer {i}", i=book.consumers.index(task))
    unworked = idle_consumers(pipe)
    if task in unworked:
        return tr("consumer {i}", i=len(book.consumers) + unworked.index(task))
    for index, producer in sorted(book.producers.items()):
        if producer is task:
            return tr("producer {i}", i=index)
    return tr("a Task running `{code}`", code=running(task))


def idle_consumers(pipe: Pipeline) -> list[asyncio.Task[Any]]:
    """The call's Tasks that ran the consumers' function but never processed an item (one that took a stop signal
    first, say): consumers too, numbered after those that worked."""
    book = pipe.book
    codes = {running(t) for t in book.consumers}
    producers = set(book.producers.values())
    return [t for t in theirs_in_file(pipe)
            if t not in book.consumers and t not in producers and t is not book.call and running(t) in codes]


def running(task: asyncio.Task[Any]) -> str:
    """The name of the function a Task runs, as the learner wrote it."""
    return getattr(task.get_coro(), "__qualname__", "?").split(".<locals>.")[-1]


def theirs_in_file(pipe: Pipeline) -> list[asyncio.Task[Any]]:
    """The Tasks the call created to run functions of the learner's file."""
    book = pipe.book
    return [t for t in book.tasks
            if book.path is not None and Path(getattr(getattr(t.get_coro(), "cr_code", None), "co_filename", "")) == book.path]


def takers(pipe: Pipeline) -> list[asyncio.Task[Any]]:
    """The Tasks that could take items: consumers, and the learner's Tasks that read no source."""
    book = pipe.book
    producers = set(book.producers.values())
    others = [t for t in theirs_in_file(pipe) if t not in producers and t is not book.call and t not in book.consumers]
    return [*book.consumers, *others]


def whereabouts(learner: Learner, pipe: Pipeline, tasks: list[asyncio.Task[Any]], sep: str = "\n",
                seen: dict[asyncio.Task[Any], Suspension] | None = None) -> str:
    """"consumer 0, consumer 1: waiting in `await queue.get()` (line 21)", one line (or `sep`) per place; where
    each waited earlier when `seen` says."""
    places: dict[tuple[str | None, int | None, str, bool], list[str]] = {}
    for task in sorted(tasks, key=lambda t: (t not in pipe.book.consumers, label(pipe, t))):
        where = seen[task] if seen is not None else suspension(task, learner.path)
        cancelling = seen is None and task.cancelling() > 0
        # A Task whose coroutine has run and waits nowhere in the learner's file was woken, and runs at its next turn.
        coro = task.get_coro()
        begun = inspect.iscoroutine(coro) and inspect.getcoroutinestate(coro) != inspect.CORO_CREATED
        places.setdefault((where.call, where.line, where.source, cancelling, begun), []).append(label(pipe, task))
    lines = []
    for (call, line, source, cancelling, begun), names in places.items():
        who = listed(names)
        if cancelling:
            lines.append(tr("{who}: cancelled, but not yet stopped", who=who))
        elif call and line:
            lines.append(tr("{who}: waiting in `{call}` (line {line})", who=who, call=call, line=line))
        elif call:
            lines.append(tr("{who}: waiting in `{call}`", who=who, call=call))
        elif line:
            lines.append(tr("{who}: waiting at line {line}: `{source}`", who=who, line=line, source=source))
        elif begun:
            lines.append(tr("{who}: woken, about to run again", who=who))
        else:
            lines.append(tr("{who}: not started yet", who=who))
    return sep.join(lines)


# Why a Task stopped: which Task, when, after what.


@dataclass
class Reason:
    kind: str  # "task_done", "failure", "producer", "waiting", "empty", "raised", "cancelled" or "returned"
    template: str  # "{name} returned at {at}, once {done} had finished, while {going} had not"
    values: dict[str, Any]
    name: str  # who stopped: "consumer 1", "a Task running `consume`"
    code: str = ""  # the function the Task ran
    error: BaseException | None = None

    @property
    def text(self) -> str:
        return tr(self.template, name=self.name, **self.values)


TOGETHER = {"{name} was cancelled at {at}": "{name} were cancelled at {at}"}  # several Tasks at once


def stop_reason(pipe: Pipeline, task: asyncio.Task[Any], stop: Stop) -> Reason:
    """What the records say about why `task` stopped: an error of its own, a failing item, a quiet moment with the
    queue empty (it gave up waiting for an item), a stop signal taken before any item, a producer that had just
    finished, an empty queue while every producer still had items, or nothing more."""
    book = pipe.book
    at = seconds(stop.at - book.origin)
    index = book.consumers.index(task) if task in book.consumers else None
    works = [w for w in book.works if w.consumer == index]
    last = works[-1] if works else None
    right_after = last is not None and last.end is not None and abs(last.end - stop.at) <= TOLERANCE

    def reason(category: str, template: str, raised: BaseException | None = None, **values: Any) -> Reason:
        return Reason(category, template, {"at": at, **values}, label(pipe, task), running(task), raised)

    if stop.how == "cancelled":
        return reason("cancelled", "{name} was cancelled at {at}")
    error = stop.error
    if error is not None:
        if right_after and last is not None and last.state == "failed" and isinstance(error, JobFailed):
            return reason("failure", "{name} raised {kind} when item {item} failed, at {at}", error,
                          kind=stop.how, item=last.item)
        text = str(error)
        kind = "task_done" if isinstance(error, ValueError) and "task_done" in text else "raised"
        return reason(kind, "{name} raised {kind} at {at}: {error}", error, kind=stop.how, error=text) if text \
            else reason(kind, "{name} raised {kind} at {at}", error, kind=stop.how)
    if right_after and last is not None and last.state == "failed":
        return reason("failure", "{name} returned right after item {item} failed, at {at}", item=last.item)
    finished = sorted(i for i, t in book.dry.items() if t <= stop.at + TOLERANCE)
    going = [s.index for s in pipe.sources if s.index not in finished]
    if book.quiet_for(stop.at) > TOLERANCE and book.queued_at(stop.at) == 0:
        # Nothing happened at that moment, no item made or done, no producer finished: it gave up waiting.
        if last is not None and last.end is not None:
            return reason("idle", "{name} returned at {at}, {idle} after its last item, with none in the queue",
                          idle=seconds(stop.at - last.end))
        return reason("idle", "{name} returned at {at} without taking an item, with none in the queue")
    if not works and finished and task in idle_consumers(pipe):  # at a producer's end, or at a moment after
        done = listed(tr("producer {i}", i=i) for i in finished)
        if going:
            return reason("producer", "{name} took a stop signal at {at}, before any item, once {done} had finished, "
                                      "while {going} had not", done=done, going=listed(tr("producer {i}", i=i) for i in going))
        return reason("returned", "{name} took a stop signal at {at}, before any item, once {done} had finished",
                      done=done)
    if not finished and book.queued_at(stop.at) == 0:
        return reason("empty", "{name} returned at {at}, while the queue was empty and every producer still had "
                               "items to come")
    if finished and going:
        return reason("producer", "{name} returned at {at}, once {done} had finished, while {going} had not",
                      done=listed(tr("producer {i}", i=i) for i in finished),
                      going=listed(tr("producer {i}", i=i) for i in going))
    waiting = book.queued_at(stop.at)
    if waiting:
        return reason("waiting", "{name} returned at {at}, while {waiting} still in the queue",
                      waiting=tr("1 item was", count=1) if waiting == 1 else tr("{count} items were", count=waiting))
    return reason("returned", "{name} returned at {at}")


def told_together(reasons: list[Reason]) -> str:
    """The reasons in a row, Tasks that stopped the same way at the same moment told together."""
    groups: dict[tuple[str, tuple[tuple[str, Any], ...]], list[Reason]] = {}
    for r in reasons:
        groups.setdefault((r.template, tuple(r.values.items())), []).append(r)
    texts = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            texts.append(first.text)
            continue
        names = [r.name for r in group]
        who = tr("{count} Tasks running `{code}`", count=len(group), code=first.code) if len(set(names)) == 1 \
            else listed(names)
        texts.append(tr(TOGETHER.get(first.template, first.template), name=who, **first.values))
    return tr("; ").join(texts)


def raised_in(error: BaseException, path: Path | None) -> CodeType | None:
    """The learner's innermost function in the traceback of `error`."""
    code, tb = None, error.__traceback__
    while tb is not None:
        if path is not None and Path(tb.tb_frame.f_code.co_filename) == path:
            code = tb.tb_frame.f_code
        tb = tb.tb_next
    return code


def calls_at(code: CodeType | None, name: str) -> list[int]:
    """The lines where `code` calls a function or method called `name`."""
    if code is None:
        return []
    return sorted({i.positions.lineno for i in dis.get_instructions(code)
                   if i.argval == name and i.positions is not None and i.positions.lineno is not None})


@functools.lru_cache(maxsize=256)
def line_of(path: Path | None, line: int | None) -> str:
    """Line `line` of the learner's file as code: stripped, without a comment at its end. Remembered: the graders look
    at every suspended Task many times a run, and a file does not change while it is graded."""
    if path is None or not line:
        return ""
    text = linecache.getline(str(path), line).strip()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return text
    comment = next((t for t in tokens if t.type == tokenize.COMMENT), None)
    return text[:comment.start[1]].rstrip() if comment is not None and comment.start[1] > 0 else text


def task_done_advice(code: CodeType | None) -> str:
    advice = tr("Call `queue.task_done()` exactly once for each item taken with `get()`, after processing it: in a "
                "`finally:` block, and nowhere else.")
    lines = calls_at(code, "task_done")
    if code is not None and len(lines) > 1:
        advice = sentences(advice, tr("`{function}` calls it at lines {lines}.", function=code.co_name, lines=listed(lines)))
    return advice


def reasons_advice(pipe: Pipeline, reasons: list[Reason], otherwise: str) -> str:
    """What to try, for the reasons Tasks stopped; `otherwise` when the records say nothing more."""
    kinds = {r.kind: r for r in reversed(reasons)}  # the first Task of each kind
    if "task_done" in kinds:
        error = kinds["task_done"].error
        return task_done_advice(raised_in(error, pipe.book.path) if error is not None else None)
    if "failure" in kinds:
        return tr("Keep each consumer in its loop until it is told to stop: catch a failure around "
                  "`await process(item)`, note the item, and go on with the next.")
    if "idle" in kinds:
        return tr("A consumer that stops when no item has come for a while stops too early whenever a source "
                  "pauses for longer: keep each consumer in `await queue.get()` until it is told to stop, once "
                  "the producers are done and `await queue.join()` has returned.")
    if "producer" in kinds:
        return tr("A consumer goes on until all the work is done, not until one producer is: the others still have "
                  "items. Stop the consumers once every producer is done and `await queue.join()` has returned: cancel "
                  "them, or put one stop signal per consumer then.")
    if "waiting" in kinds:
        return tr("A consumer goes on as long as items are in the queue: stop the consumers only once "
                  "`await queue.join()` has returned, then cancel them, or put one stop signal per consumer.")
    if "empty" in kinds:
        return tr("Keep each consumer in its loop until it is told to stop: an empty queue only means the next item "
                  "has not arrived yet.")
    if "raised" in kinds:
        error = kinds["raised"].error
        known = known_advice(error) if error is not None else None
        return known or tr("An exception that leaves a consumer's loop ends the consumer: see where it was raised "
                           "(below), and keep the loop going.")
    return otherwise


def stops_of(pipe: Pipeline, tasks: list[asyncio.Task[Any]]) -> list[Reason]:
    stops = sorted((pipe.book.stops[t].at, i, t) for i, t in enumerate(tasks) if t in pipe.book.stops)
    return [stop_reason(pipe, t, pipe.book.stops[t]) for _, _, t in stops]


def why_join_waits(unfinished: int | None, failed: Sequence[Any]) -> str:
    """Why join() still waited: the items without their task_done(), the failed ones when they are all of them."""
    if unfinished and failed and unfinished == len(failed):
        return tr("join() waits for a task_done() per item, and the items whose processing raised ({items}) never got "
                  "theirs.", items=listed(failed))
    if unfinished:
        return tr("join() waits for a task_done() per item, and the queue still counted {count} without one.",
                  count=unfinished)
    return tr("join() waits for a task_done() per item, and the queue still counted some without one.")


def stuck(learner: Learner, pipe: Pipeline, call: asyncio.Task[Any], tasks: list[asyncio.Task[Any]],
          origin: float) -> Callable[[], None]:
    """What to say about a call still running after its budget, worked out before its Tasks are cancelled."""
    book = pipe.book
    everything = [call, *tasks]
    places = {task: suspension(task, learner.path) for task in everything}
    done = [v for v in pipe.values if v in book.items and book.items[v].calls]
    all_done = len(done) == len(pipe.values) and all(w.end is not None for w in book.works)
    joining = [(t, p) for t, p in places.items() if p.call == "await queue.join()"]
    able = takers(pipe)
    getting = [t for t in tasks if places[t].call == "await queue.get()" and t in able]
    alive = [t for t in able if not t.done()]
    chart = lanes(pipe, origin)
    summary = tr("`{name}` was still running after {budget} of loop time, so the grader stopped it.",
                 name=NAME, budget=seconds(pipe.budget))
    where = whereabouts(learner, pipe, everything)
    failed = [w.item for w in book.works if w.state == "failed"]

    gone = [t for t in able if t.done()]
    reasons = stops_of(pipe, gone)
    ends = told_together(reasons)
    raised = next((r.error for r in reasons if r.kind == "raised" and r.error is not None), None)
    details = where if raised is None else f"{where}\n{learner.format_error(raised)}"
    kinds = ", ".join(sorted({r.kind for r in reasons}))
    if joining and all_done:
        _, place = joining[0]
        unfinished = getattr(place.queue, "_unfinished_tasks", None)
        held = list(getattr(place.queue, "_queue", ()))
        if held and gone and not alive:  # what is left in the queue, no consumer is left to take
            return lambda: fail(
                summary,
                observed=tr("it was waiting in `await queue.join()` (line {line}) although every item had been "
                            "processed: the queue still held {held}, and no consumer was left to take it: {ends}.",
                            line=place.line, held=shown(held), ends=ends),
                expected=tr("`join()` waits until everything put on the queue has been taken and has had its "
                            "`task_done()`, stop signals too: consumers that go on taking until then."),
                timeline=chart,
                details=details,
                advice=reasons_advice(pipe, reasons, tr("Put stop signals on the queue only once `await queue.join()` "
                                                        "has returned, one per consumer, or cancel the consumers then.")),
                cause=f"never returns: join() at line {place.line}, entries left in the queue: {kinds}",
            )
        why = why_join_waits(unfinished, failed)
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
            cause=f"never returns: join() at line {place.line} without a task_done() per item",
        )
    if getting and all_done:
        stopped = len(able) - len(alive)

        def left_getting() -> None:
            # Read once stop_all() has noted which Tasks their own code had cancelled (3.11+ counts it): cancelled and
            # waiting in get() again, their code caught the CancelledError.
            if all(t in book.cancelled_by_them for t in getting):
                observed = tr("every item had been processed and {name} had cancelled 1 of its {count} consumers, but "
                              "it was still running, back in `await queue.get()` after the cancellation, and {name} "
                              "waited for it.", count=len(able), name=NAME) \
                    if len(getting) == 1 else \
                    tr("every item had been processed and {name} had cancelled {waiting} of its {count} consumers, "
                       "but they were still running, back in `await queue.get()` after the cancellation, and {name} "
                       "waited for them.", waiting=len(getting), count=len(able), name=NAME)
                advice = tr("Your consumers were cancelled and went back to `await queue.get()`: an except that "
                            "catches everything (a bare `except:`, or `except BaseException:`) catches the "
                            "CancelledError too. Catch `Exception` only.")
            else:
                observed = tr("every item had been processed, but {waiting} of its {count} consumers still waited in "
                              "`await queue.get()` for an item that would never come, and {name} waited for them.",
                              waiting=len(getting), count=len(able), name=NAME)
                advice = stop_advice(pipe, stopped)
            fail(
                summary,
                observed=observed,
                expected=tr("every consumer told to stop once the work is done, so that the call can return."),
                timeline=chart,
                details=where,
                advice=advice,
                cause="never returns: consumers left waiting in get()",
            )

        return left_getting
    putting = [(t, p) for t, p in places.items() if p.call == "await queue.put(item)"]
    if gone and not alive and (putting or not all_done):
        left = len(pipe.values) - len(done)
        if left == 0:
            task, place = putting[0]
            observed = tr("every item had been processed, but {who} still waited in `await queue.put(item)` (line "
                          "{line}: `{source}`) for room in the full queue, and no consumer was left to take anything: "
                          "{ends}.", who=label(pipe, task), line=place.line, source=place.source, ends=ends)
        else:
            observed = sentences(
                tr("1 item was never processed, because no consumer was left to take it: {ends}.", ends=ends)
                if left == 1
                else tr("{left} were never processed, because no consumer was left to take them: {ends}.",
                        left=plural(left, "item"), count=left, ends=ends),
                tr("The producers were waiting in `await queue.put(item)` for room in the full queue.") if putting else "")
            idled = [t for t in gone if t in book.stops and stop_reason(pipe, t, book.stops[t]).kind == "idle"]
            if idled:  # each returned at a quiet moment, none at a producer's end: it gave up waiting for an item
                first = min(book.stops[t].at for t in idled)
                paused = [s.index for s in pipe.sources if s.index not in book.dry or book.dry[s.index] > first]
                observed = sentences(sentences(
                    observed, tr("They waited for an idle timeout.") if len(idled) > 1 else tr("It waited for an idle timeout.")),
                    tr("Producer {p} still had items to come: its source had paused, and the queue had run empty.",
                       p=paused[0]) if paused else "")
        return lambda: fail(
            summary,
            observed=observed,
            expected=tr("consumers that keep taking items until every item is processed."),
            timeline=chart,
            details=details,
            advice=reasons_advice(pipe, reasons, tr("Keep each consumer in its loop until it is told to stop: stop the "
                                                    "consumers only after `await queue.join()` has returned.")),
            cause=f"never returns: no consumer left: {kinds}",
        )
    if putting and not able and not done:  # the queue full, and not one Task that could take from it
        task, place = putting[0]
        return lambda: fail(
            summary,
            observed=tr("no consumer had started: the producers filled the queue, and {who} waited in `await "
                        "queue.put(item)` (line {line}: `{source}`) for room that only a consumer could make.",
                        who=label(pipe, task), line=place.line, source=place.source),
            expected=tr("consumers running beside the producers, taking items as they come."),
            timeline=chart,
            details=where,
            advice=tr("Start the consumers before you wait for the producers: create the consumers' Tasks first (or "
                      "start both in one gather or TaskGroup), then await the producers. A bounded queue holds only "
                      "`maxsize` items until someone takes them."),
            cause="never returns: no consumer started",
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
        cause="never returns: " + ", ".join(sorted({f"{p.call or p.source} {p.line}" for p in places.values()})),
    )


def stop_advice(pipe: Pipeline, stopped: int) -> str:
    if 0 < stopped == len(pipe.sources) < pipe.consumers:
        return tr("As many consumers stopped as there are producers ({stopped}): each consumer stops at a sentinel of "
                  "its own, so put one per consumer ({count}) once the producers are done, or cancel the consumers "
                  "after `await queue.join()`.", stopped=stopped, count=pipe.consumers)
    return tr("Once `await queue.join()` returns, stop the consumers: cancel each one and "
              "`await asyncio.gather(*consumers, return_exceptions=True)`, or put one sentinel per consumer and await "
              "them.")


def overdone_text(pipe: Pipeline) -> str:
    """At what moment task_done() had run ahead of the work, by the queue's own count."""
    o = pipe.book.overdone
    assert o is not None
    blanks = {"at": seconds(o.at - pipe.book.origin), "c": o.consumer, "item": o.item,
              "unfinished": plural(o.unfinished, "item")}
    return tr("At {at}, when consumer {c} took item {item}, the queue counted {unfinished} without their "
              "`task_done()`, though 1 item was still in it or being processed: `task_done()` had been called more "
              "often than items were finished, so `await queue.join()` could return before the work was done.", **blanks) \
        if o.expected == 1 else \
        tr("At {at}, when consumer {c} took item {item}, the queue counted {unfinished} without their "
           "`task_done()`, though {expected} items were still in it or being processed: `task_done()` had been called "
           "more often than items were finished, so `await queue.join()` could return before the work was done.",
           expected=o.expected, **blanks)


def producers_cancelled(pipe: Pipeline, before: float) -> list[tuple[int, Stop]]:
    """Sources whose producer was cancelled before reading them to the end, with when."""
    book = pipe.book
    found = []
    for index, task in sorted(book.producers.items()):
        stop = book.stops.get(task)
        if stop is not None and stop.how == "cancelled" and index not in book.dry and stop.at <= before + TOLERANCE:
            found.append((index, stop))
    return found


def cut_on_the_way(pipe: Pipeline) -> list[Work]:
    """Items whose process() was cancelled while their consumer went on: the consumer was not cancelled then (it
    took another item afterwards, or ended later, or never): something of the learner's own cancelled process()."""
    book = pipe.book
    found = []
    for work in book.works:
        if work.state != "cancelled" or work.end is None:
            continue
        stop = book.ends.get(work.consumer)
        later = any(w.consumer == work.consumer and w.start >= work.end - TOLERANCE and w is not work for w in book.works)
        if later or stop is None or stop.at > work.end + TOLERANCE:
            found.append(work)
    return found


def cut_text(pipe: Pipeline, cut: list[Work]) -> str:
    spans = sorted({round(w.end - w.start, 2) for w in cut if w.end is not None})  # type: ignore[operator]
    after = seconds(spans[0]) if len(spans) == 1 else tr("{least} to {most}", least=seconds(spans[0]),
                                                              most=seconds(spans[-1]))
    return tr("process() was cancelled {after} after it began on {items}, while its consumer went on, itself not "
              "cancelled: something of yours cut it short, a timeout around it, say.",
              after=after, items=tr("item {item}", item=cut[0].item) if len(cut) == 1
              else tr("items {items}", items=listed(w.item for w in cut)))


CUT_ADVICE = ("Await `process(item)` itself, with no timeout of your own around it: an item takes as long as it takes, "
              "and one cut short is neither processed nor failed.")


PRODUCERS_FIRST = ("Wait for every producer first, e.g. `await asyncio.gather(*producers)`, and only then "
                   "`await queue.join()`: join() waits only for the items already put, so before the producers are done "
                   "it can return at once. Stop the consumers after that, and leave the producers to finish.")


# A loop that spins without waiting.

SPIN_CPU = 0.1  # seconds of the loop thread's CPU time with the loop's clock standing still: spinning
SPIN_REAL = 3.0  # the same in real time, where a thread's CPU time cannot be read
SPIN_SIGNAL = getattr(signal, "SIGUSR1", None)
TRACED_LINES = 200  # lines of the learner's code traced once it spins: enough to go round its loop many times
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
    something ready; without any await, it is frozen). The watch then traces the next lines of the
    learner's file that run (the loop they go round, the same on every run), cancels the call and
    its Tasks, and where the loop is frozen in the learner's code, raises Spinning there.
    """

    def __init__(self, path: Path, loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
        self.path, self.loop, self.stop = path, loop, stop
        self.caught: float | None = None  # loop time when the clock stood still
        self.codes: Counter[CodeType] = Counter()  # the learner's functions seen running meanwhile
        self.lines: Counter[tuple[CodeType, int]] = Counter()  # the learner's lines traced (or noted) meanwhile
        self.ended: list[asyncio.Task[Any]] = []  # Tasks ended by raising Spinning in them
        self._stopping = _thread.allocate_lock()  # held while the watch runs; released to stop it at once
        self._done = _thread.allocate_lock()
        self._thread = threading.get_ident()
        self._signal = SPIN_SIGNAL if threading.current_thread() is threading.main_thread() else None
        self._previous: Any = None
        self._file = str(path)
        self._tracing = "not yet"  # then "on", then "over"
        self._traced = 0
        self._previous_trace: Any = None
        self._frames: list[FrameType] = []

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
        self._untrace()
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
        if self._tracing == "not yet":
            self._trace(frame)  # first see which lines go round; _traced() stops everything after that
            return
        self._untrace()  # no line of the learner's ran since: stop as before
        while frame is not None:
            name = frame.f_code.co_filename
            if name in LOOP_FILES:
                self.loop.call_soon(self.stop)  # amid the loop's own machinery: cancel on its next turn
                return
            if Path(name) == self.path:
                self._end_here(frame)
            frame = frame.f_back
        self.loop.call_soon(self.stop)

    def _end_here(self, frame: FrameType) -> None:
        """Frozen in the learner's code: cancel every Task now (as their code could), so that no other one
        takes over the loop, and end this one so that the loop runs again."""
        self.note(frame.f_code)
        task = asyncio.current_task(self.loop)
        if task is not None:
            self.ended.append(task)
        self.stop()
        raise Spinning

    # Tracing: the lines of the learner's file that run while the clock stands still. Only the loop's
    # thread can trace itself, so it starts in the signal handler, on the frames it interrupted.

    def _trace(self, frame: FrameType | None) -> None:
        self._tracing = "on"
        self._previous_trace = sys.gettrace()
        while frame is not None:
            if frame.f_code.co_filename == self._file:
                frame.f_trace = self._line
                self._frames.append(frame)
            frame = frame.f_back
        sys.settrace(self._call)

    def _call(self, frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != self._file:
            return None
        self._frames.append(frame)
        return self._line

    def _line(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and self._tracing == "on":
            self.lines[(frame.f_code, frame.f_lineno)] += 1
            self._traced += 1
            if self._traced >= TRACED_LINES:  # seen enough: stop as before, from the signal handler (an exception
                self._untrace()                 # raised here would turn off any other trace function too)
                _thread.interrupt_main(self._signal)
        return self._line

    def _untrace(self) -> None:
        if self._tracing != "on":
            self._tracing = "over"
            return
        self._tracing = "over"
        sys.settrace(self._previous_trace)
        for frame in self._frames:
            frame.f_trace = None
        self._frames.clear()

    def note(self, code: CodeType | None, line: int | None = None) -> None:
        """A function caught spinning for sure, not only sampled (and the line it was caught at)."""
        if code is not None:
            self.codes[code] += 1000
            if line is not None and not self.lines:
                self.lines[(code, line)] += 2

    def spinner(self) -> CodeType | None:
        return self.codes.most_common(1)[0][0] if self.codes else None

    def loop_lines(self) -> tuple[CodeType | None, list[int]]:
        """The function that went round and round, and the lines it went round (those traced more than once)."""
        counts: Counter[CodeType] = Counter()
        for (code, _), count in self.lines.items():
            counts[code] += count
        if not counts:
            return self.spinner(), []
        code = counts.most_common(1)[0][0]
        return code, sorted(line for (c, line), count in self.lines.items() if c is code and count >= 2)


def spun(pipe: Pipeline, spin: SpinWatch, origin: float) -> None:
    __tracebackhide__ = True
    code, lines = spin.loop_lines()
    at = seconds((spin.caught or origin) - origin)
    where = tr("`{function}` (line {line})", function=code.co_name, line=code.co_firstlineno) if code else tr("your code")

    def text(line: int) -> str:
        return line_of(spin.path, line)

    polled = [line for line in calls_at(code, "get_nowait") if line in lines]
    putting = [line for line in calls_at(code, "put_nowait") + calls_at(code, "full") if line in lines]
    yielding = [line for line in calls_at(code, "sleep") if line in lines]
    if len(lines) <= 4:
        round_ = listed(tr("line {line} (`{source}`)", line=line, source=text(line)) for line in lines)
    else:
        round_ = tr("lines {first} to {last} (`{source}` …)", first=lines[0], last=lines[-1], source=text(lines[0]))
    if polled:
        observed = tr("it called `queue.get_nowait()` (line {line}: `{source}`) again and again without waiting for an "
                      "item: nothing else could make progress, not the producers and not the clock.",
                      line=polled[0], source=text(polled[0]))
    elif yielding:
        observed = tr("it went round {lines} again and again, never waiting for anything: `await asyncio.sleep(0)` "
                      "comes straight back, so the event loop was never free to move on to the producers' next items.",
                      lines=round_)
    elif lines:
        observed = tr("it went round {lines} again and again without waiting for anything: nothing else could make "
                      "progress, not the producers and not the clock.", lines=round_)
    else:
        observed = tr("it polled without waiting for anything: nothing else could make progress, not the producers and "
                      "not the clock.")
    if putting and not polled:
        expected = tr("producers that wait for room with `await queue.put(item)`, leaving the loop free while the queue "
                      "is full.")
        advice = tr("`await queue.put(item)` suspends the producer until the queue has room. Retrying "
                    "`queue.put_nowait(item)` (or checking `queue.full()`) in a `while` loop never waits: it keeps the "
                    "event loop busy as long as the queue is full.")
    else:
        expected = tr("consumers that wait for their next item with `await queue.get()`, leaving the loop free while the "
                      "queue is empty.")
        advice = tr("`item = await queue.get()` suspends the consumer until an item arrives. Checking the queue "
                    "(`queue.empty()`, `queue.get_nowait()`) and yielding with `await asyncio.sleep(0)` in between never "
                    "waits: it keeps the event loop busy as long as the queue is empty.") if yielding else \
            tr("`item = await queue.get()` suspends the consumer until an item arrives. A `while` loop that polls the "
               "queue (`queue.get_nowait()`, `queue.empty()`) without an await never lets anything else run: it freezes "
               "the event loop.")
    fail(
        tr("`{name}` kept the event loop busy in a loop that never waits: {where} ran over and over at {at} of loop "
           "time, until the grader stopped it.", name=NAME, where=where, at=at),
        observed=observed,
        expected=expected,
        timeline=lanes(pipe, origin),
        advice=advice,
        cause=f"spins in {code.co_name if code else '?'} {lines}",
    )


# The chart: producers, consumers and the items waiting, over time.

LEGEND = "█ making or processing an item   ░ holding one, waiting to put it   ! raised"
LEGEND_WAITING = "waiting: items made and not yet taken by a consumer"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def lanes(pipe: Pipeline, origin: float) -> str | None:
    """One row per producer and per consumer, and the number of items made but not yet taken:

        producer 0 |█░░░░░█░░░░░█░░░░░                      | 0.00 → 5.10 s
        consumer 0 |████████████████████████████            | 0.10 → 7.60 s
        waiting    |12333333333333333332211                 |

    None when nothing was made or processed: there is nothing to draw.
    """
    book = pipe.book
    if not book.works and not any(i.made is not None for i in book.items.values()):
        return None
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

    # A row's span ends at its last recorded moment, or at "…" when it is still at work at the chart's end (an item
    # being made, held, or processed), as its bar is: the chart is drawn when the call returned, or was stopped.
    rows: list[tuple[str, list[str], float | None, float | str | None]] = []
    for index in range(len(pipe.sources)):
        cells = [" "] * WIDTH
        items = [i for i in book.items.values() if i.source == index]
        producer = book.producers.get(index)
        gone = book.stops[producer].at if producer in book.stops else None  # a producer that ended holds nothing
        for item in items:
            if item.made is not None:
                paint(cells, item.made, gone if item.handed is None else item.handed, "░")
        for item in items:
            paint(cells, item.asked, item.made, "█")
        stops = [t for i in items for t in (i.made, i.handed) if t is not None] + ([book.dry[index]] if index in book.dry else [])
        if gone is not None and any(i.made is not None and i.handed is None for i in items):
            stops.append(gone)
        going = any(i.made is None or (i.handed is None and gone is None) for i in items)
        rows.append((tr("producer {i}", i=index), cells, min((i.asked for i in items), default=None),
                     "…" if going else max(stops, default=None)))
    for index in range(len(book.consumers)):
        cells = [" "] * WIDTH
        works = [w for w in book.works if w.consumer == index]
        for work in works:
            paint(cells, work.start, work.end, "█")
        for work in works:
            if work.state == "failed" and work.end is not None:
                cells[max(column(work.end) - 1, column(work.start))] = "!"
        ends = [w.end for w in works if w.end is not None]
        rows.append((tr("consumer {i}", i=index), cells, min((w.start for w in works), default=None),
                     "…" if any(w.end is None for w in works) else max(ends, default=None)))
    for index in range(len(book.consumers), len(book.consumers) + len(idle_consumers(pipe))):  # never processed an item
        rows.append((tr("consumer {i}", i=index), [" "] * WIDTH, None, None))
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
        until = last if isinstance(last, str) else None if last is None else f"{last - origin:.2f}"
        span = f" {first - origin:.2f} → {until} s" if first is not None and until is not None else ""
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
            observed=tr("process() got {values}; no source made that.", values=listed(book.strangers[:3])),
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
            observed=tr("1 item was processed more than once: {items}.", items=twice[0].value) if len(twice) == 1
            else tr("{count} items were processed more than once: {items}.", count=len(twice),
                    items=listed(i.value for i in twice)),
            expected=tr("every item processed exactly once: each get() takes an item off the queue for one consumer."),
            timeline=chart,
            advice=tr("Put each item on the queue once, and process only what `await queue.get()` gives you."),
        )
    # Only the item 0 never processed, though it was put on the queue and items put after it were processed: the
    # work went on past it, so it was not left behind by a shutdown.
    falsy = book.items.get(0)
    if (falsy is not None and falsy.handed is not None and not falsy.calls and 0 not in pipe.failing
            and all(i.calls for v, i in book.items.items() if v != 0 and v not in pipe.failing)
            and any(i.calls and i.handed is not None and i.handed > falsy.handed for i in book.items.values())):
        fail(
            tr("`{name}` never processed item 0.", name=NAME),
            observed=tr("item 0 was put on the queue, and never reached process(); every other item did."),
            expected=tr("every item processed exactly once before the call returns: 0 is an item like any other."),
            timeline=chart,
            advice=tr("An item may be 0, or anything else that is false as a truth value: tell your stop signal by "
                      "what it is (`if item is None:`, or `is STOP` for a marker object of your own), not by `if not "
                      "item:`."),
        )
    unmade = [(s, len(s.values) - s.position) for s in pipe.sources if s.position < len(s.values)]
    if unmade:
        source, missing = unmade[0]
        cancelled = dict(producers_cancelled(pipe, ran.returned))
        has = tr("source {i} has {items}; none of them was asked for.", i=source.index,
                 items=plural(len(source.values), "item"), count=len(source.values)) if source.position == 0 \
            else tr("source {i} has {items}; its producer asked for only {asked}.", i=source.index,
                    items=plural(len(source.values), "item"), count=len(source.values), asked=source.position)
        idle = [t for t in theirs_in_file(pipe) if t not in book.consumers and t not in book.producers.values()
                and t in book.stops and book.stops[t].how == "cancelled"]
        if source.index not in cancelled and source.position == 0 and idle:
            at = min(book.stops[t].at for t in idle)
            counted = Counter(running(t) for t in idle)
            tasks = listed(tr("a Task running `{code}`", code=code) if count == 1
                           else tr("{count} Tasks running `{code}`", count=count, code=code) for code, count in counted.items())
            fail(
                tr("`{name}` never read {missing} of source {i}.", name=NAME, missing=plural(missing, "item"),
                   count=missing, i=source.index),
                observed=sentences(has, tr("At {at}, {tasks} were cancelled before they had read a source or processed an "
                                           "item.", tasks=tasks, at=seconds(at - ran.origin))),
                expected=tr("every source read to its end, every item processed."),
                timeline=chart,
                advice=tr(PRODUCERS_FIRST),
            )
        if source.index in cancelled:
            fail(
                tr("`{name}` never read {missing} of source {i}.", name=NAME, missing=plural(missing, "item"),
                   count=missing, i=source.index),
                observed=sentences(has, tr("It was cancelled at {at}, before the end of its source.",
                                           at=seconds(cancelled[source.index].at - ran.origin))),
                expected=tr("every source read to its end, every item processed."),
                timeline=chart,
                advice=tr(PRODUCERS_FIRST),
            )
        fail(
            tr("`{name}` never read {missing} of source {i}.", name=NAME, missing=plural(missing, "item"),
               count=missing, i=source.index),
            observed=has,
            expected=tr("every source read to its end, every item processed."),
            timeline=chart,
            advice=tr("Give each source a producer that reads it to the end: `async for item in source: await "
                      "queue.put(item)`."),
        )
    lost = [v for v in pipe.values if v not in pipe.failing and not book.items[v].calls]
    cut = [w for w in book.works if w.state == "cancelled" and w.item not in pipe.failing]
    if lost or cut:
        cancelled = sorted(stop.at for stop in book.ends.values() if stop.how == "cancelled")
        # Consumers that ended on their own, those that never processed an item (numbered after the others) too.
        enders = [*book.consumers, *idle_consumers(pipe)]
        returned = sorted((book.stops[t].at, i) for i, t in enumerate(enders)
                          if t in book.stops and book.stops[t].how != "cancelled")
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
            # Producing until the consumers went: whatever ended the wait for the work (a join() while the queue was
            # empty for a moment, say) came before the producers were done, and nothing waited for the rest.
            producing = sorted(i for i in book.producers if book.dry.get(i, math.inf) >= cancelled[0] - TOLERANCE)
            if producing:
                why = sentences(why, tr("The producer of source {i} was at work until then.", i=producing[0]))
            if producers_cancelled(pipe, cancelled[0]) or producing:
                advice = tr(PRODUCERS_FIRST)
        elif returned:
            _, index = returned[0]
            reason = stop_reason(pipe, enders[index], book.stops[enders[index]])
            why = tr("{stopped}, with {lost} still to come.", stopped=reason.text, lost=plural(len(lost), "item"),
                     count=len(lost))
            advice = reasons_advice(pipe, [reason], tr(
                "Keep each consumer in its loop until it is told to stop, and stop the consumers only after "
                "`await queue.join()` (cancel them, or one sentinel each)."))
        else:
            why = tr("{lost} never reached process().", lost=plural(len(lost) + len(cut), "item"), count=len(lost) + len(cut))
            advice = tr("Make sure every item put on the queue is taken by a consumer before the call returns: "
                        "`await queue.join()` waits for that.")
        timed = cut_on_the_way(pipe)
        if timed:
            why = cut_text(pipe, timed)
            advice = tr(CUT_ADVICE)
        if book.overdone is not None and book.overdone.at <= (cancelled[0] if cancelled else ran.returned) + TOLERANCE:
            why = sentences(why, overdone_text(pipe))
            advice = task_done_advice(book.overdone.code)
        fail(
            tr("`{name}` lost {count} of {total} items.", name=NAME, count=len(lost) + len(cut), total=len(pipe.values)),
            observed=tr("{why} Never processed: {items}.", why=why, items=listed([*lost, *(w.item for w in cut)])),
            expected=tr("every item processed exactly once before the call returns."),
            timeline=chart,
            advice=advice,
        )


def at_most_consumers(pipe: Pipeline, ran: Ran) -> None:
    """Never more calls of process() at once than there are consumers; told once per file (`cause`)."""
    __tracebackhide__ = True
    book, n = pipe.book, pipe.consumers
    # Stretches longer than twice the tolerance: in a shorter one, an item done and the next begun 0.01 s later by
    # the same consumer (one that polls every 0.01 s) both count as running through it.
    most = max((len(book.busy(a, b)) for a, b in book.moments(ran.origin, ran.returned) if b - a > 2 * TOLERANCE),
               default=0)
    if most <= n:
        return
    tasks = len(book.consumers)
    observed = tr("up to {most} calls of process() were running at the same moment.", most=most)
    if tasks > n:
        observed = sentences(observed, tr("{count} different Tasks processed items, as many as there are sources.",
                                          count=tasks)
                             if tasks == len(pipe.sources) else
                             tr("{count} different Tasks processed items.", count=tasks))
    fail(
        tr("`{name}` processed {most} items at once; it was given {n} consumers.", name=NAME, most=most, n=n),
        observed=observed,
        expected=tr("{count} consumer Tasks, each processing one item at a time.", count=n),
        timeline=lanes(pipe, ran.origin),
        advice=tr("Start exactly `consumers` consumer Tasks, and have each one await `process(item)` before taking "
                  "the next item."),
        cause="more items processed at once than consumers",
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
        # Extra items that are each a consumer's last, done without error: reported again as the consumers were
        # cancelled at shutdown, by an except that catches the CancelledError too.
        last: dict[int, Work] = {}
        for work in pipe.book.works:
            if work.state == "done" and (work.consumer not in last or (work.end or 0) >= (last[work.consumer].end or 0)):
                last[work.consumer] = work
        extra = [i for i in (items if isinstance(items, list) else []) if i not in failed]
        at_shutdown = bool(extra) and all(any(i == w.item for w in last.values()) for i in extra)
        advice = tr("The extra items were each a consumer's last item, processed without error, reported again when "
                    "the consumers were cancelled at shutdown: a bare `except:` (or `except BaseException:`) catches "
                    "that CancelledError too. Catch `Exception` only.") if at_shutdown else None
        if not failed:
            fail(tr("`{name}` reported failures when no item failed.", name=NAME), observed=shown(value),
                 expected=expected, advice=advice)
        fail(
            tr("`{name}` reported {got} as failed; the item whose processing raised was {failed}.",
               name=NAME, got=shown(items), failed=failed[0])
            if len(failed) == 1 else
            tr("`{name}` reported {got} as failed; the items whose processing raised were {failed}.",
               name=NAME, got=shown(items), failed=listed(failed)),
            observed=shown(value),
            expected=tr("{expected}: the failed items themselves (not their exceptions), in any order.", expected=expected),
            advice=advice or tr("In the consumer: `except Exception: failed.append(item)` around `await process(item)`."),
        )
    if count != len(pipe.values) - len(failed) or isinstance(count, bool):
        fail(
            tr("`{name}` said it processed {got}; {processed} were processed without error.", name=NAME,
               got=plural(count, "item") if isinstance(count, int) and not isinstance(count, bool) else shown(count),
               count=count, processed=len(pipe.values) - len(failed)),
            observed=shown(value),
            expected=expected,
            advice=tr("Count an item as processed once `await process(item)` has returned without raising."),
        )


@dataclass
class Idle:
    """A stretch in which fewer consumers worked than there were, although there was work for them."""

    start: float
    end: float
    busy: int  # the fewest consumers working in it
    waiting: int  # the most items made and not yet taken in it
    held: list[Item]  # items their producer held at its start
    queued: list[Item]  # items in the queue at some moment of it: their producer had moved on


def napped_advice() -> str:
    return tr("Take each item with `item = await queue.get()`: it waits while the queue is empty and resumes the consumer "
              "the moment an item is put. Checking the queue and sleeping between looks polls: items wait until the "
              "consumer's next look, and it wakes up again and again for nothing.")


def napped_text(napped: Napped, ran: Ran) -> str:
    return tr("at {at}, consumer {i} was asleep at line {line} (`{source}`) between two items, rather than waiting in "
              "`await queue.get()`.", at=seconds(napped.at - ran.origin), i=napped.consumer, line=napped.line,
              source=napped.text)


def idle_stretch(book: Book, n: int, origin: float, until: float) -> Idle | None:
    """The first stretch before `until` (the last item taken) in which fewer than n consumers worked
    although there was work for them: items waiting, or a producer holding one back. Adjacent
    stretches like it are joined."""
    found: list[tuple[float, float, int, int, list[Item], list[Item]]] = []
    for a, b in book.moments(origin, until):
        busy, waiting, held = book.busy(a, b), book.waiting(a, b), book.held(a, b)
        if len(busy) < n and (waiting or held):
            if found and abs(found[-1][1] - a) > TOLERANCE:
                break
            found.append((a, b, len(busy), len(waiting), held, book.queued(a, b)))
        elif found:
            break
    if not found:
        return None
    queued = list({i.value: i for f in found for i in f[5]}.values())
    return Idle(found[0][0], found[-1][1], min(f[2] for f in found), max(f[3] for f in found), found[0][4], queued)


def read_late(pipe: Pipeline, ran: Ran) -> tuple[int, float | None, list[int]] | None:
    """A source that was not read from the start while others were: (it, when it was first read, those read from
    the start). Each source has a producer of its own, all reading at once: every one is asked for its first
    item the moment the first one is."""
    book = pipe.book
    asked = [book.first_ask.get(s.index) for s in pipe.sources]
    if not any(t is not None for t in asked):
        return None
    begun = min(t for t in asked if t is not None)
    early = [i for i, t in enumerate(asked) if t is not None and t <= begun + TOLERANCE]
    late = sorted((ran.returned if t is None else t, i) for i, t in enumerate(asked) if t is None or t > begun + TOLERANCE)
    if not late:
        return None
    _, index = late[0]
    return index, asked[index], early


def outside_text(pipe: Pipeline, ran: Ran, record: Outside) -> str:
    """What a look found: an item read, its producer gone on to the next, neither in the queue nor taken, while
    consumers waited in get(); and its source read to the end before a consumer took any of its items, if so."""
    book = pipe.book
    getters = record.getters
    who = tr("all {count} consumers", count=len(getters)) \
        if len(getters) == pipe.consumers > 1 and all(t in book.consumers for t in getters) \
        else listed(label(pipe, t) for t in getters)
    text = tr("At {at}, item {item}, read from source {source} at {made}, was neither in the queue nor taken by a "
              "consumer, though its producer had gone on to read the next, while {who} waited in `await queue.get()`.",
              at=seconds(record.at - ran.origin), item=record.item, source=record.source,
              made=seconds(record.made - ran.origin), who=who)
    dry = book.dry.get(record.source)
    taken = [i.taken for i in book.items.values() if i.source == record.source and i.taken is not None]
    if dry is not None and taken and dry <= min(taken) + TOLERANCE:
        text = sentences(text, tr("Source {source} had been read to its end at {dry}, before a consumer took any of "
                                  "its items.", source=record.source, dry=seconds(dry - ran.origin)))
    return text


def read_ahead_advice() -> str:
    return tr("Put each item on the queue as soon as you read it, `async for item in source: await queue.put(item)`: "
              "waiting in put() while the queue is full is what holds the reading back. Items read into a list (or "
              "kept anywhere else) before they are put pile up outside the queue's limit, and wait there while the "
              "consumers have nothing to take.")


POLLED = "producers sleep between tries instead of waiting in put()"  # the cause, for `fail`


def polled_text(pipe: Pipeline, ran: Ran) -> str:
    polled = pipe.book.polled
    assert polled is not None
    return tr("at {at}, producer {p} had held item {item} since {made}, and was waiting at line {line} "
              "(`{source}`): a sleep of its own, not `await queue.put(item)`.",
              at=seconds(polled.at - ran.origin), p=polled.source, item=polled.item,
              made=seconds(polled.made - ran.origin), line=polled.line, source=polled.text)


def polled_advice(pipe: Pipeline) -> str:
    polled = pipe.book.polled
    assert polled is not None
    return tr("Put each item with `await queue.put(item)`: it waits while the queue is full and resumes the producer "
              "as soon as there is room. Retrying `put_nowait()` after a sleep polls: the producer wakes up again "
              "and again for nothing, and room in the queue stays unused until its next try.") \
        if calls_at(polled.code, "put_nowait") \
        else tr("Put each item with `await queue.put(item)`: it waits while the queue is full and resumes the producer "
                "as soon as there is room, with no sleep of your own.")


def producers_polled(pipe: Pipeline, ran: Ran) -> None:
    """A producer was seen holding an item in a sleep of its own, rather than waiting in put(); told once per file."""
    __tracebackhide__ = True
    fail(
        tr("`{name}`'s producers slept between tries instead of waiting in `await queue.put(item)`.", name=NAME),
        observed=polled_text(pipe, ran),
        expected=tr("a producer that cannot put its item waits in `await queue.put(item)`, which resumes it the moment "
                    "a consumer takes an item."),
        timeline=lanes(pipe, ran.origin),
        advice=polled_advice(pipe),
        cause=POLLED,
    )


# Returning the moment the work is done.


def quit_quietly(pipe: Pipeline, after: float) -> list[tuple[int, Stop, float]]:
    """Consumers that ended on their own (not cancelled, no error but a timeout's) after `after`, at a moment when
    nothing had happened: no item made or done, no source dry, so nothing told them to stop; they gave up waiting
    for an item. With how long each had then been without one (since its last item, or since the call began)."""
    book = pipe.book
    found = []
    for index, stop in sorted(book.ends.items(), key=lambda e: (e[1].at, e[0])):
        if stop.how not in ("returned", "TimeoutError") or stop.at <= after + TOLERANCE \
                or book.quiet_for(stop.at) <= TOLERANCE:
            continue
        since = max((w.end for w in book.works if w.consumer == index and w.end is not None), default=book.origin)
        found.append((index, stop, stop.at - since))
    return found


def quitters_text(pipe: Pipeline, quitters: list[tuple[int, Stop, float]], ran: Ran) -> str:
    """"consumer 0 ended on its own at 9.20 s, 1 s after its last item, ...": the first to end, and with it those
    that ended as long after their last item."""
    _, first, idle = quitters[0]
    alike = [(i, stop) for i, stop, waited in quitters if abs(waited - idle) <= TOLERANCE]
    if len(alike) == 1:
        return tr("{who} ended on its own at {at}, {idle} after its last item, with none in the queue: nothing had "
                  "told it to stop.", who=tr("consumer {i}", i=alike[0][0]), at=seconds(first.at - ran.origin),
                  idle=seconds(idle))
    return tr("{who} ended on their own, each {idle} after its last item ({times}), with none in the queue: nothing "
              "had told them to stop.", who=listed(tr("consumer {i}", i=i) for i, _ in alike), idle=seconds(idle),
              times=listed(seconds(stop.at - ran.origin) for _, stop in alike))


LATE = LOOK_AFTER  # seconds of loop time: a call that returns later than this after the last item is done waited for something else


def returned_late(learner: Learner, pipe: Pipeline, ran: Ran) -> None:
    """The call returns the moment the last item is done: join() returns then, and the consumers stop at once.
    Whatever it waited for after that, a join() that only a timeout ended, consumers that waited for a quiet
    spell, is told from where its Tasks waited a moment after the last item (Book.look_at_the_end)."""
    __tracebackhide__ = True
    book = pipe.book
    last = max((w.end for w in book.works if w.end is not None), default=None)
    if last is None or ran.returned - last <= LATE or not book.all_done():
        return
    blanks = {"name": NAME, "at": seconds(ran.returned - ran.origin), "last": seconds(last - ran.origin),
              "late": seconds(ran.returned - last)}
    summary = tr("`{name}` returned at {at}, {late} after the last item was done.", **blanks)
    expected = tr("the call returning the moment the last item is done: `await queue.join()` returns then, and the "
                  "consumers are stopped at once.")
    chart = lanes(pipe, ran.origin)
    places = book.lingered.places if book.lingered is not None else []
    joining = next(((t, w) for t, w in places if w.call == "await queue.join()"), None)
    quitters = quit_quietly(pipe, last)
    if joining is not None:
        _, where = joining
        line = where.line or next((w.line for t, w in places if t is book.call), None)
        unfinished = getattr(where.queue, "_unfinished_tasks", None)  # as it was when the call returned
        failed = [w.item for w in book.works if w.state == "failed"]
        why = why_join_waits(unfinished, failed)
        waiting = tr("every item was done at {last}, but it went on waiting in `await queue.join()` (line {line}).",
                     line=line, **blanks) if line else \
            tr("every item was done at {last}, but it went on waiting in `await queue.join()`.", **blanks)
        gave_up = tr("It returned at {at} with join() still waiting: a timeout of its own ended the wait, not join().",
                     **blanks) if unfinished else ""
        fail(
            summary,
            observed=sentences(sentences(waiting, why), gave_up),
            expected=expected,
            timeline=chart,
            advice=tr("Call `queue.task_done()` for every item taken, in a `finally:` block, so that an item whose "
                      "processing raises counts as done too and join() returns the moment the last item is. A timeout "
                      "around join() only hides a missing task_done(), and every call then waits it out."),
        )
    if quitters:
        fail(
            summary,
            observed=sentences(sentences(
                tr("every item was done at {last}, and `{name}` waited for its consumers to end.", **blanks),
                quitters_text(pipe, quitters, ran)),
                tr("They waited for an idle timeout.") if len(quitters) > 1 else tr("It waited for an idle timeout.")),
            expected=expected,
            timeline=chart,
            advice=tr("Stop the consumers the moment the work is done rather than when none has come for a while: "
                      "wait for the producers, then `await queue.join()`, then cancel the consumers (or put one "
                      "sentinel per consumer). A timeout on get() makes every call wait it out at the end, and stops "
                      "the consumers too early whenever a source pauses for longer."),
        )
    seen = dict(places)
    fail(
        summary,
        observed=sentences(tr("every item was done at {last}, yet it returned only at {at}.", **blanks),
                           tr("{after} after the last item, its Tasks were waiting here: {where}.",
                              after=seconds(LOOK_AFTER), where=whereabouts(learner, pipe, list(seen), sep="; ", seen=seen))
                           if seen else ""),
        expected=expected,
        timeline=chart,
        advice=tr("Return as soon as the work is done: wait for the producers, then `await queue.join()`, then stop the "
                  "consumers, with no sleep or timeout of your own on the way."),
    )


# The graders.


async def test_every_item_is_processed_exactly_once(learner: Learner, rng: random.Random) -> None:
    # More producers than consumers: one consumer per source processes too many at once, on every draw. And one
    # producer done first, long before another: stopping the consumers once one producer is done loses items.
    pipe = pipeline(rng, producers=(3, 4), consumers=(2, 3), more_producers=True, one_done_first=True)
    ran = await run(learner, pipe)
    finish(learner, ran)
    at_most_consumers(pipe, ran)
    lost_or_repeated(pipe, ran)
    report(pipe, ran.outcome.value)


async def test_producers_wait_while_the_queue_is_full(learner: Learner, rng: random.Random) -> None:
    pipe = pipeline(rng, producers=(2, 3), consumers=(2, 4), more_producers=rng.random() < 0.5)
    ran = await run(learner, pipe)
    finish(learner, ran)
    book = pipe.book
    stretches = book.moments(ran.origin, ran.returned)
    most, at = 0, ran.origin
    for a, b in stretches:
        waiting = len(book.waiting(a, b))
        if waiting > most:
            most, at = waiting, a
    places = plural(pipe.maxsize, "item")
    if most > pipe.bound:
        held = sum((i.handed or ran.returned) - i.made for i in book.items.values() if i.made is not None)
        never = held <= TOLERANCE
        # The producers asked for each next item at once. Either put() never waited (a queue without its limit), or
        # the items were kept elsewhere first: then a look found one out of the queue while consumers waited in get().
        outside = book.outside[0] if never and book.outside else None
        if outside is not None:
            observed = sentences(tr("at {at}, {most} items had been made and not yet taken by a consumer: your "
                                    "producers read their sources ahead of the queue.", at=seconds(at - ran.origin),
                                    most=most), outside_text(pipe, ran, outside))
            advice = read_ahead_advice()
        elif never:
            observed = tr("at {at}, {most} items had been made and not yet taken by a consumer; your producers never "
                          "once waited to put an item.", at=seconds(at - ran.origin), most=most)
            advice = tr("Create the queue with its limit: `asyncio.Queue(maxsize)`. `asyncio.Queue()` has no limit, so "
                        "put() never waits and fast producers run far ahead of the consumers.")
        else:
            observed = tr("at {at}, {most} items had been made and not yet taken by a consumer.",
                          at=seconds(at - ran.origin), most=most)
            advice = tr("Give the queue exactly `maxsize` places, `asyncio.Queue(maxsize)`, and put each item straight "
                        "on it: no list or second queue on the way.")
        # Tasks the producers created: a put handed to a Task of its own waits for room in the producer's stead.
        producers = set(book.producers.values())
        helpers = [t for t in book.tasks if book.creators.get(t, (None, 0.0))[0] in producers]
        limit = getattr(book.queue, "maxsize", None)
        if helpers:
            counted = Counter(running(t) for t in helpers)
            code, count = counted.most_common(1)[0]
            observed = sentences(observed, tr(
                "The producers handed their items to {count} Tasks running `{code}` and went straight on to the next: "
                "those Tasks waited for room in the queue, the producers never did.", count=len(helpers), code=code)
                if count == len(helpers) else tr(
                "The producers created {count} Tasks and went straight on: those Tasks waited for room in the queue, "
                "the producers never did.", count=len(helpers)))
            advice = tr("Have the producer itself `await queue.put(item)`: waiting there while the queue is full is what "
                        "holds it back. A put in a Task of its own waits in its stead, while the producer makes the next "
                        "item.")
        elif isinstance(limit, int) and limit <= 0 < pipe.maxsize:
            observed = sentences(observed, tr("The queue's maxsize was {limit}: a maxsize of 0 or less means no limit "
                                              "at all.", limit=limit))
            advice = tr("Create the queue with `asyncio.Queue(maxsize)`, `maxsize` as given: the queue holds that many, "
                        "and the item a producer waits to put is not one of them. `asyncio.Queue(0)`, like "
                        "`asyncio.Queue()`, has no limit.")
        fail(
            tr("`{name}` let {most} items pile up; with maxsize={maxsize} at most {bound} may wait.",
               name=NAME, most=most, maxsize=pipe.maxsize, bound=pipe.bound),
            observed=observed,
            expected=tr("at most {places} in the queue and one in each producer's hand ({bound} in all): a producer "
                        "waits in `await queue.put(item)` while the queue is full.", places=places, bound=pipe.bound),
            timeline=lanes(pipe, ran.origin),
            advice=advice,
        )
    # In the queue: put (the producer moved on to its next item) and not taken. Every draw fills the queue.
    most, at = 0, ran.origin
    for a, b in stretches:
        queued = len(book.queued(a, b))
        if queued > most:
            most, at = queued, a
    if most > pipe.maxsize:
        fail(
            tr("`{name}` let {most} items pile up in the queue, which maxsize={maxsize} limits to {maxsize}.",
               name=NAME, most=most, maxsize=pipe.maxsize),
            observed=tr("at {at}, {most} items had been put on the queue (their producers had gone on to the next) and "
                        "not yet taken by a consumer.", at=seconds(at - ran.origin), most=most),
            expected=tr("at most {places} in the queue: `await queue.put(item)` waits while it holds that many.",
                        places=places),
            timeline=lanes(pipe, ran.origin),
            advice=tr("Give the queue exactly `maxsize` places, `asyncio.Queue(maxsize)`, and put each item straight on it: "
                      "no list or second queue on the way."),
        )
    # Held back no sooner than needed: every draw has more items than the consumers and the producers' hands hold,
    # made faster than they are processed, so the queue fills to maxsize before any producer waits.
    if 0 < most < pipe.maxsize:
        limit = getattr(book.queue, "maxsize", None)
        waited = [i for i in book.items.values() if i.made is not None and (i.handed or ran.returned) - i.made > TOLERANCE]
        fail(
            tr("`{name}` held its producers back before the queue held maxsize={maxsize} items.", name=NAME,
               maxsize=pipe.maxsize),
            observed=sentences(
                tr("the queue never held more than {most} at once, though the producers made items far faster than the "
                   "consumers took them: they waited to put them while it held {count}.", most=plural(most, "item"),
                   count=most)
                if waited else
                tr("the queue never held more than {most} at once, though the producers made items far faster than the "
                   "consumers took them.", most=plural(most, "item"), count=most),
                tr("The queue's maxsize was {limit}, one fewer than {maxsize}.", limit=limit, maxsize=pipe.maxsize)
                if limit == pipe.maxsize - 1 else ""),
            expected=tr("the queue filling to {places}: a producer waits in `await queue.put(item)` only once it holds "
                        "that many.", places=places),
            timeline=lanes(pipe, ran.origin),
            advice=tr("Create the queue with `asyncio.Queue(maxsize)`, `maxsize` as given: the queue holds that many, and "
                      "the item a producer waits to put is not one of them."),
        )
    late = read_late(pipe, ran)
    if late is not None:
        index, when, early = late
        first = book.first_ask[early[0]]
        finished = [i for i in early if i in book.dry and when is not None and book.dry[i] <= when + TOLERANCE]
        sources = listed(tr("source {i}", i=i) for i in early)
        if when is None:
            observed = tr("source {i} was never read, while {sources} had been read since {start}.",
                          i=index, sources=sources, start=seconds(first - ran.origin))
        elif finished and len(finished) == len(early):
            observed = tr("source {i} was first read at {at}, once {sources} had been read to the end.",
                          i=index, at=seconds(when - ran.origin), sources=sources)
        else:
            observed = tr("source {i} was first read at {at}, while {sources} had been read since {start}.",
                          i=index, at=seconds(when - ran.origin), sources=sources, start=seconds(first - ran.origin))
        reader, late_reader = book.producers.get(early[0]), book.producers.get(index)
        if reader is not None and reader is late_reader:
            observed = sentences(observed, tr("One Task read them both: {task}.", task=label(pipe, reader)
                                              if reader is book.call else tr("a Task running `{code}`", code=running(reader))))
        fail(
            tr("`{name}` read the sources one after another, not all at once.", name=NAME),
            observed=observed,
            expected=tr("one producer per source, all reading from the start: while one waits in `await queue.put(item)` "
                        "for room, the others go on."),
            timeline=lanes(pipe, ran.origin),
            advice=tr("Give each source a producer Task of its own and start them together, e.g. "
                      "`await asyncio.gather(*(produce(source) for source in sources))`."),
        )
    if book.polled is not None:
        producers_polled(pipe, ran)


def idled_in(pipe: Pipeline, idle: Idle) -> tuple[Idled, list[tuple[asyncio.Task[Any], Suspension]]] | None:
    """A look within the idle stretch that found consumers waiting elsewhere than in get() while an item was in
    the queue, and those consumers (the first of them, and the others waiting on the same line)."""
    book = pipe.book
    for record in book.idled:
        if not idle.start - TOLERANCE <= record.at <= idle.end + TOLERANCE:
            continue
        places = sorted(((t, w) for t, w in record.places if t in book.consumers), key=lambda p: book.consumers.index(p[0]))
        if places:
            line = places[0][1].line
            return record, [(t, w) for t, w in places if w.line == line]
    return None


async def test_every_consumer_is_busy_while_items_wait(learner: Learner, rng: random.Random) -> None:
    # Fewer producers than consumers: one consumer per source leaves consumers idle, on every draw. And every
    # source's first item made at one moment, more than the queue holds: a producer that sleeps and tries again
    # instead of waiting in put() holds its item back while consumers are idle, on every draw too.
    # And an item that fails, on every draw: a consumer goes on with the next item at once after a failure too.
    pipe = pipeline(rng, producers=(1, 3), consumers=(2, 4), more_producers=False, together=True, failing=1)
    ran = await run(learner, pipe)
    finish(learner, ran)
    at_most_consumers(pipe, ran)
    book = pipe.book
    n = pipe.consumers
    chart = lanes(pipe, ran.origin)
    taken = [i.taken for i in book.items.values() if i.taken is not None]
    idle = idle_stretch(book, n, ran.origin, max(taken, default=ran.origin))
    if idle is None and book.napped is not None:  # no item waited long enough to show, but the consumers poll
        fail(
            tr("`{name}`'s consumers polled the queue instead of waiting for items.", name=NAME),
            observed=napped_text(book.napped, ran),
            expected=tr("consumers that wait for their next item with `await queue.get()`, leaving the loop free while the "
                        "queue is empty."),
            timeline=chart,
            advice=napped_advice(),
        )
    if idle is None:
        return
    worked = tr("none of the {n} consumers worked", n=n) if idle.busy == 0 \
        else tr("only {busy} of the {n} consumers worked", busy=idle.busy, n=n)
    blanks = {"start": seconds(idle.start - ran.origin), "end": seconds(idle.end - ran.origin), "worked": worked}
    if idle.waiting:
        observed = tr("from {start} to {end} {worked}, though up to {waiting} had been made and not yet taken.",
                      waiting=plural(idle.waiting, "item"), count=idle.waiting, **blanks)
    else:
        item = idle.held[0]
        sequential = any(w.item == item.value and w.end is not None and item.handed is not None
                         and abs(w.end - item.handed) <= TOLERANCE for w in book.works)
        observed = tr("from {start} to {end} {worked}: producer {p} did not make its next item until item {item} had "
                      "been processed.", p=item.source, item=item.value, **blanks) \
            if sequential else \
            tr("from {start} to {end} {worked}, while producer {p} held item {item} instead of putting it on the queue.",
               p=item.source, item=item.value, **blanks)
    cause = None
    quit = sorted((stop.at, i) for i, stop in book.ends.items() if stop.at < idle.end - TOLERANCE)
    elsewhere = idled_in(pipe, idle)
    polled = book.polled
    outside = next((r for r in book.outside if idle.start - TOLERANCE <= r.at <= idle.end + TOLERANCE), None)
    if quit:
        _, index = quit[0]
        reason = stop_reason(pipe, book.consumers[index], book.ends[index])
        observed = sentences(observed, tr("{stopped}, before the work was done.", stopped=reason.text))
        advice = reasons_advice(pipe, [reason], tr(
            "Keep every consumer taking items until all the work is done: stop the consumers only after "
            "`await queue.join()` (cancel them, or put one sentinel per consumer then)."))
    elif len(book.consumers) < n:
        advice = tr("Start {n} consumer Tasks, e.g. `[asyncio.create_task(consume()) for _ in range(consumers)]`: "
                    "only {count} ever processed items, and a consumer processes one item at a time.",
                    n=n, count=len(book.consumers))
    elif elsewhere is not None:
        # The records show where the idle consumers were while an item waited in the queue.
        record, places = elsewhere
        where = places[0][1]
        seen = {"at": seconds(record.at - ran.origin), "item": record.item, "since": seconds(record.since - ran.origin),
                "who": listed(label(pipe, t) for t, _ in places), "line": where.line, "source": where.source}
        if where.sleep:
            observed = sentences(observed, tr("At {at}, item {item} had been in the queue since {since}, while {who} "
                                              "slept at line {line} (`{source}`): a sleep of its own, not "
                                              "`await queue.get()`.", **seen))
            advice = napped_advice()
        else:
            observed = sentences(observed, tr("At {at}, item {item} had been in the queue since {since}, while {who} "
                                              "waited at line {line} (`{source}`), not in `await queue.get()`.", **seen))
            advice = tr("A consumer that is done with an item waits for the next one in `item = await queue.get()`, "
                        "which resumes it the moment one is put: between items, wait there and nowhere else.")
    elif book.napped is not None:
        observed = sentences(observed, napped_text(book.napped, ran))
        advice = napped_advice()
    elif idle.held and not idle.queued and idle.waiting and polled is not None and polled.at <= idle.end + TOLERANCE:
        # The items that waited were in their producers' hands, and a producer was seen asleep holding one: the
        # cause the producers' grader tells (`POLLED`), seen here from the consumers' side.
        observed = tr("from {start} to {end} {worked}, while items waited in their producers' hands, none in the "
                      "queue: {polled}", polled=polled_text(pipe, ran), **blanks)
        advice = polled_advice(pipe)
        cause = POLLED
    elif outside is not None:
        # A look within the stretch found an item its producer had moved on from out of the queue, while consumers
        # waited in get(): the producers read ahead of the queue.
        observed = sentences(observed, outside_text(pipe, ran, outside))
        advice = read_ahead_advice()
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
        cause=cause,
    )


async def test_shutdown_waits_for_the_work_and_leaves_no_task(learner: Learner, rng: random.Random) -> None:
    # Fewer producers than consumers: a sentinel per producer leaves consumers waiting, on every draw. And a source
    # that pauses before its last item, long enough for the queue to run empty: a join() that does not wait for
    # every producer returns in the pause, and consumers that stop when nothing comes for a while stop in it. Three
    # producers, the middle one paused: waiting for the first, the last or the first to end is not waiting for all.
    pipe = pipeline(rng, producers=(3, 3), consumers=(4, 5), more_producers=False, pause=True)
    ran = await run(learner, pipe)
    finish(learner, ran)
    book = pipe.book
    finished = {w.item for w in book.works if w.state in ("done", "failed") and w.end <= ran.returned + TOLERANCE}
    unfinished = [v for v in pipe.values if v not in finished]
    running_ = [w for w in book.works if w.end is None or w.end > ran.returned + TOLERANCE]
    if unfinished:
        observed = tr("when it returned, {count} of the {total} items had not been processed to the end, {running} of "
                      "them still being processed.", count=len(unfinished), total=len(pipe.values),
                      running=len(running_)) \
            if running_ \
            else tr("when it returned, {count} of the {total} items had not been processed to the end.",
                    count=len(unfinished), total=len(pipe.values))
        advice = tr("After the producers are done, `await queue.join()`: it returns once every item put on the queue "
                    "has had its `task_done()`. Stop the consumers only then.")
        reading = [s.index for s in pipe.sources if s.index not in book.dry or book.dry[s.index] > ran.returned + TOLERANCE]
        quitters = quit_quietly(pipe, ran.origin)
        timed = cut_on_the_way(pipe)
        if timed:
            observed = sentences(observed, cut_text(pipe, timed))
            advice = tr(CUT_ADVICE)
        elif book.overdone is not None and book.overdone.at <= ran.returned + TOLERANCE:
            observed = sentences(observed, overdone_text(pipe))
            advice = task_done_advice(book.overdone.code)
        elif quitters:
            paused = [s.index for s in pipe.sources if s.index not in book.dry or book.dry[s.index] > quitters[0][1].at]
            observed = sentences(sentences(observed, quitters_text(pipe, quitters, ran)), tr(
                "Producer {p} still had items to come: its source had paused, and the queue had run empty.",
                p=paused[0]) if paused else "")
            advice = tr("A consumer that stops when no item has come for a while stops too early whenever a source "
                        "pauses for longer: keep each consumer in `await queue.get()` until it is told to stop, once "
                        "the producers are done and `await queue.join()` has returned.")
        elif reading:
            observed = sentences(observed, tr("By then, no producer had read its source to the end.") if len(reading) == len(pipe.sources)
                                 else tr("By then, {left} of its {count} producers had not read their source to the "
                                         "end.", left=len(reading), count=len(pipe.sources)))
            advice = tr(PRODUCERS_FIRST)
        fail(
            tr("`{name}` returned at {at}, before the work was done.", name=NAME, at=seconds(ran.returned - ran.origin)),
            observed=observed,
            expected=tr("the call returning only after every item has been processed."),
            timeline=lanes(pipe, ran.origin),
            advice=advice,
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
    returned_late(learner, pipe, ran)


async def test_a_failing_item_is_reported_and_the_rest_go_on(learner: Learner, rng: random.Random) -> None:
    # Two calls, one after the other in the same process, with fresh inputs: a tally kept from one call to the next
    # (counts or a list of failures at module level) shows in the second one's report.
    first = pipeline(rng, producers=(1, 2), consumers=(2, 3), more_producers=False, failing=rng.randint(1, 2))
    returned = await judge_failures(learner, first)
    kept = as_read(returned)
    second = pipeline(rng, producers=(1, 2), consumers=(2, 3), more_producers=False, failing=rng.randint(1, 2),
                      unlike=first)
    try:
        await judge_failures(learner, second)
    except GraderFailure as failure:
        note = tr("This was the second of two calls of `{name}`, one after the other, with new sources; the first was "
                  "right.", name=NAME)
        value = second.book.returned
        if isinstance(value, (tuple, list)) and len(value) == 2:
            count, items = value
            kept = [i for i in sorted(first.failing) if isinstance(items, list) and i in items and i not in second.failing]
            right = len(second.values) - len(second.failing)
            if kept or (isinstance(count, int) and count == right + len(first.values) - len(first.failing)):
                note = sentences(note, tr("Its report went on from the first call's: {what}.", what=tr(
                    "the first call's failed items ({items}) were in it again", items=listed(kept)) if kept else tr(
                    "its count was the first call's {first} plus this call's {right}",
                    first=len(first.values) - len(first.failing), right=right)))
                failure.advice = tr("Keep the tally inside `{name}`, made afresh by each call: `processed = 0` and "
                                    "`failed = []` at its start (or in an object it creates), not at module level, where "
                                    "they go on from one call to the next.", name=NAME)
        observed = failure.observed or ""
        if observed == shown(value):
            observed = tr("it returned {value}.", value=observed)
        failure.observed = sentences(observed, note)
        raise
    # What the first call returned is its own: a second call that empties or refills it (one list at module level,
    # cleared at each call's start and returned itself) leaves the first caller a report that is no longer true.
    if kept is not None and as_read(returned) != kept:
        fail(
            tr("The second call of `{name}` changed what the first call had returned.", name=NAME),
            observed=tr("the first call returned {before}; once the second call was over, that same value read {after}.",
                        before=shown(kept), after=shown(as_read(returned))),
            expected=tr("each call's report its own, unchanged by the calls after it."),
            advice=tr("Make the list of failed items afresh in each call: `failed = []` inside `{name}` (or in an "
                      "object it creates), not one list at module level that each call clears and fills again: every "
                      "report returned would share that one list.", name=NAME),
        )


def as_read(value: Any) -> tuple[Any, list[Any]] | None:
    """A pair (processed, failed) as it reads now, to be compared with a later reading; None when its failed items are
    not a collection that can be read twice (an iterator, say)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    count, items = value
    if not isinstance(items, Collection) or isinstance(items, Iterator):
        return None
    try:
        return count, sorted(items)
    except TypeError:
        return None


async def judge_failures(learner: Learner, pipe: Pipeline) -> Any:
    """One call with failing items: they are reported, the rest processed, and the consumers go on; the value it
    returned."""
    __tracebackhide__ = True
    ran = await run(learner, pipe)
    book = pipe.book
    book.returned = ran.outcome.value
    failed = sorted(pipe.failing)
    error = ran.outcome.error
    first = min((w for w in book.works if w.state == "failed"), key=lambda w: (w.end, w.item), default=None)
    # Only a JobFailed (in a group or not) is an item's failure let out: any other error came from somewhere else.
    if error is not None and (first is None or not any(isinstance(e, JobFailed) for e in leaves(error))):
        learner.fail_raised(NAME, error)
    if error is not None and first is not None:
        done = {w.item for w in book.works if w.state == "done"}
        never = [v for v in pipe.values if v not in pipe.failing and v not in done]
        fail(
            tr("`{name}` raised {kind} when item {item} failed: one failing item stopped the whole pipeline.",
               name=NAME, kind=type(error).__name__, item=first.item),
            observed=(tr("1 of {count} items was never processed.", count=len(pipe.values)) if len(never) == 1
                      else tr("{never} of {count} items were never processed.", never=len(never), count=len(pipe.values)))
            if never
            else tr("every other item was processed, but the call raised instead of reporting the failure."),
            expected=tr("{items} reported in the list of failed items, and every other item processed.",
                        items=listed(failed)),
            timeline=lanes(pipe, ran.origin),
            details=learner.format_error(error),
            advice=tr("Catch the failure around `await process(item)` inside the consumer's loop: "
                      "`except Exception: failed.append(item)`, then go on with the next item. An exception that leaves "
                      "a consumer ends it (and in a TaskGroup, cancels all the others)."),
        )
    at_most_consumers(pipe, ran)
    lost_or_repeated(pipe, ran)
    taken = [i.taken for i in book.items.values() if i.taken is not None]
    last = max(taken, default=ran.origin)
    early = sorted((stop.at, i) for i, stop in book.ends.items() if stop.at < last - TOLERANCE)
    if early:
        _, index = early[0]
        reason = stop_reason(pipe, book.consumers[index], book.ends[index])
        fail(
            tr("`{name}` lost a consumer when an item failed.", name=NAME) if reason.kind == "failure"
            else tr("`{name}` lost a consumer before the work was done.", name=NAME),
            observed=tr("{stopped}, while items were still waiting; the other consumers had to do its share.",
                        stopped=reason.text),
            expected=tr("every consumer going on with the next item after a failure, until the work is done."),
            timeline=lanes(pipe, ran.origin),
            advice=tr("Catch the failure around `await process(item)`, inside the loop: note the item and go on with "
                      "the next one, rather than leaving the loop.") if reason.kind == "failure"
            else reasons_advice(pipe, [reason], tr("Keep every consumer taking items until all the work is done: stop "
                                                   "the consumers only after `await queue.join()`.")),
        )
    returned_late(learner, pipe, ran)
    report(pipe, ran.outcome.value)
    return ran.outcome.value
