"""Graders for topic 08: asyncio.Lock, asyncio.Event, and a Semaphore as a rate limit.

Each function gets probes that note how the learner's code ran: an account whose read and
write take loop time (so unguarded read-modify-writes interleave), deposits whose slow
verification should overlap, runners and a starter for a start signal, and calls whose starts
are judged against a limit per second. Three instruments watch the call itself:

- the turns of the event loop, to see code that wakes up to poll (and to stop code that spins
  on `asyncio.sleep(0)`, which on virtual time would never let the clock move);
- which asyncio locks (and semaphores) each Task holds, so that a lost update can be told
  apart as no lock, a lock of each Task's own, or a lock let go between read and write;
- threading locks held across an await, which would freeze the loop at the next `with lock:`:
  the account stops the call before that happens.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import linecache
import random
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest

from graders.harness import checks, timeline
from graders.harness.clocks import wall_clock
from graders.harness.feedback import GraderFailure, fail, plural, seconds
from graders.i18n import listed, sentences, tr
from graders.harness.learner import Learner
from graders.harness.probes import IN_LOOP_TIME, Recorder, Span, loop_clock
from graders.harness.settle import natural

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]

TOLERANCE = 1e-5  # seconds of loop time: looptime's clock is exact to 1e-6 s (a tick), and a timer due within a tick moves it by one
SPIN_TURNS = 2000  # turns of the loop without the clock moving: only code that never waits does that
THREAD_LOCKS = (type(threading.Lock()), type(threading.RLock()))


# Instruments.


@dataclass
class LoopTurns:
    """The loop time of each turn of the event loop while watched; stops a call that spins."""

    task: asyncio.Task[Any]
    moments: list[float] = field(default_factory=list)
    spun_at: float | None = None
    _same: int = 0

    @contextmanager
    def watching(self) -> Iterator[LoopTurns]:
        loop = asyncio.get_running_loop()
        own = "_run_once" in vars(loop)
        original = loop._run_once  # type: ignore[attr-defined]

        def turn() -> None:
            original()
            now = loop.time()
            if self.moments and now == self.moments[-1]:
                self._same += 1
                if self._same > SPIN_TURNS and self.spun_at is None:
                    self.spun_at = now
                    self.task.cancel()  # the clock can never move: end the call, and say why
            else:
                self.moments.append(now)
                self._same = 0

        loop._run_once = turn  # type: ignore[attr-defined]
        try:
            yield self
        finally:
            if own:
                loop._run_once = original  # type: ignore[attr-defined]
            else:
                del loop._run_once  # type: ignore[attr-defined]

    def woke_between(self, begin: float, end: float, spans: Sequence[Span] = ()) -> list[float]:
        """The moments strictly between `begin` and `end` at which the loop woke up (a timer fired),
        other than those at which one of `spans` (the probes' own work) began or ended."""
        probes = [t for s in spans for t in (s.start, s.end) if t is not None]
        return sorted({
            t for t in self.moments
            if begin + TOLERANCE < t < end - TOLERANCE and all(abs(t - p) > TOLERANCE for p in probes)
        })


@dataclass
class HeldLocks:
    """Which asyncio locks and semaphores each Task holds, while watched.

    A lock is known by its id, with the number of the acquisition that took it (an epoch), so a
    Task that lets go of a lock and takes it again holds it in a new epoch.
    """

    held: dict[int, dict[int, int]] = field(default_factory=dict)  # id(task) -> {id(lock): epoch}
    keep: list[object] = field(default_factory=list)  # every lock seen, alive, so no id is reused
    epochs: Iterator[int] = field(default_factory=itertools.count)

    def now(self) -> frozenset[tuple[int, int]]:
        return frozenset(self.held.get(id(asyncio.current_task()), {}).items())

    def _took(self, lock: object) -> None:
        self.keep.append(lock)
        self.held.setdefault(id(asyncio.current_task()), {})[id(lock)] = next(self.epochs)

    def _gave_back(self, lock: object) -> None:
        mine = self.held.get(id(asyncio.current_task()), {})
        holders = [mine] if id(lock) in mine else [h for h in self.held.values() if id(lock) in h][:1]
        for holder in holders:
            del holder[id(lock)]

    @contextmanager
    def watching(self) -> Iterator[HeldLocks]:
        originals = {cls: (cls.acquire, cls.release) for cls in (asyncio.Lock, asyncio.Semaphore)}
        for cls, (acquire, release) in originals.items():
            cls.acquire = self._acquire(acquire)  # type: ignore[method-assign]
            cls.release = self._release(release)  # type: ignore[method-assign]
        try:
            yield self
        finally:
            for cls, (acquire, release) in originals.items():
                cls.acquire, cls.release = acquire, release  # type: ignore[method-assign]

    def _acquire(self, acquire: Callable[[Any], Any]) -> Callable[[Any], Any]:
        async def taking(lock: Any) -> Any:
            got = await acquire(lock)
            self._took(lock)
            return got

        return taking

    def _release(self, release: Callable[[Any], None]) -> Callable[[Any], None]:
        def giving_back(lock: Any) -> None:
            release(lock)
            self._gave_back(lock)

        return giving_back


class ThreadLockHeld(BaseException):
    """Raised into the learner's code by a probe awaited while a threading lock is held.

    The next Task to reach that lock would block the loop's thread for good (the holder could
    never resume to release it), so the call is stopped here. A BaseException, so that
    `except Exception` in the learner's code lets it through.
    """


@dataclass(frozen=True)
class ThreadLockUse:
    kind: str  # "threading.Lock" or "threading.RLock"
    name: str  # the learner's name for it
    line: int
    source: str


def held_thread_lock(path: Path) -> ThreadLockUse | None:
    """A threading lock, held now, that the learner's code awaiting on this stack can see."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == str(path):
            seen = {**frame.f_globals, **frame.f_locals}
            for name, value in list(seen.items()):
                for label, candidate in [(name, value), *_attributes(name, value)]:
                    if isinstance(candidate, THREAD_LOCKS) and _held(candidate):
                        kind = "threading.Lock" if isinstance(candidate, THREAD_LOCKS[0]) else "threading.RLock"
                        source = linecache.getline(str(path), frame.f_lineno).strip()
                        return ThreadLockUse(kind, label, frame.f_lineno, source)
        frame = frame.f_back
    return None


def _attributes(name: str, value: object) -> list[tuple[str, object]]:
    """One level into the learner's own objects (`self.lock`); not into classes or modules (threading's own locks)."""
    if isinstance(value, (type, ModuleType)) or not hasattr(value, "__dict__") or name.startswith("__"):
        return []
    try:
        return [(f"{name}.{attribute}", v) for attribute, v in vars(value).items()]
    except TypeError:
        return []


def _held(lock: Any) -> bool:
    return bool(lock._is_owned()) if hasattr(lock, "_is_owned") else bool(lock.locked())


@dataclass
class Watched:
    """The instruments of one call."""

    turns: LoopTurns
    locks: HeldLocks
    thread_lock: ThreadLockUse | None = None


async def watched_call(learner: Learner, name: str, *args: Any, watched: Watched) -> Any:
    """learner.call, with the loop's turns and the Tasks' locks watched; fails in this topic's words
    when the code spun without letting time pass, held a threading lock across an await, or ran
    until the time limit while it reads a clock that virtual time does not move."""
    __tracebackhide__ = True
    start = loop_clock()
    with watched.turns.watching(), watched.locks.watching():
        try:
            value = await learner.call(name, *args, budget=TIME_LIMIT)
        except BaseException as error:
            if watched.turns.spun_at is not None:
                spinning(name, watched.turns.spun_at)
            if watched.thread_lock is not None:
                thread_lock_held(name, watched.thread_lock)
            if isinstance(error, GraderFailure) and loop_clock() - start >= TIME_LIMIT - TOLERANCE:
                wall_clock_hang(learner, name)
            raise
    if watched.thread_lock is not None:  # the learner's code caught the grader's stop, and went on
        thread_lock_held(name, watched.thread_lock)
    return value


TIME_LIMIT = 600.0  # seconds of loop time a call may take (learner.call's budget)
def wall_clock_hang(learner: Learner, name: str, late: str | None = None) -> None:
    """Fail, in place of the plain time limit (or, with `late`, of a start later than the limit requires: which one and
    when), where the function that ran reads the time module's clock."""
    __tracebackhide__ = True
    use = wall_clock(learner, name)
    if use is None:
        return
    blanks = {"name": name, "call": use.call, "line": use.line, "source": use.source, "limit": seconds(TIME_LIMIT)}
    fail(
        tr("`{name}` was still running after {limit} of loop time: it measures time with `{call}`, which the "
           "graders' clock does not move.", **blanks) if late is None else
        tr("`{name}` started a call later than the limit requires: it measures time with `{call}`, which the "
           "graders' clock does not move.", **blanks),
        observed=tr("line {line}: `{source}`. The graders run the event loop on a virtual clock: `await "
                    "asyncio.sleep(1)` takes no real time, and only the loop's clock moves on by 1 s. `{call}` reads "
                    "the real time, which hardly moved, so code waiting for a second to pass by it waits for ever.",
                    **blanks) if late is None else
        tr("line {line}: `{source}`. {late} The graders run the event loop on a virtual clock: `await "
           "asyncio.sleep(1)` takes no real time, and only the loop's clock moves on by 1 s. `{call}` reads the real "
           "time, which hardly moved, so a wait measured by it ends whenever the machine gets that far, not when the "
           "limit allows.", late=late, **blanks),
        expected=tr("time measured with the event loop's clock, by which asyncio's sleeps and timers run."),
        advice=tr("Read the time with `asyncio.get_running_loop().time()` (keep `loop = asyncio.get_running_loop()` "
                  "and call `loop.time()`). It is the clock `asyncio.sleep` and `loop.call_later` go by, on a real "
                  "event loop and on the graders' alike."),
        cause=f"wall clock {name}",
    )


def spinning(name: str, at: float) -> None:
    __tracebackhide__ = True
    fail(
        tr("`{name}` kept the event loop busy without letting any time pass.", name=name),
        observed=tr("at {at} of loop time the loop went round over {turns} times without its clock moving: some code "
                    "woke up again at once each time, so the moment it was waiting for could never come.",
                    at=seconds(at), turns=SPIN_TURNS),
        expected=tr("code that waits lets the loop sleep until something happens."),
        advice=tr("`await asyncio.sleep(0)` in a loop that checks a condition never lets time pass. Wait on something "
                  "that completes instead: an asyncio.Event's `wait()`, a Lock, a Semaphore, or a sleep until the exact "
                  "moment you need."),
    )


def thread_lock_held(name: str, use: ThreadLockUse) -> None:
    __tracebackhide__ = True
    blanks = {"line": use.line, "source": use.source, "lock": use.name}
    fail(
        tr("`{name}` awaited while holding a {kind}.", name=name, kind=use.kind),
        observed=tr("line {line}: `{source}` awaits while `{lock}`, a threading.Lock, is held. A threading.Lock waits "
                    "by blocking the whole thread: the next deposit to reach it would freeze the event loop, and the "
                    "Task holding it could never resume to release it. (The grader stopped the call there.)", **blanks)
        if use.kind == "threading.Lock"
        else tr("line {line}: `{source}` awaits while `{lock}`, a threading.RLock, is held. An RLock belongs to a "
                "thread, and every Task runs on the event loop's one thread: the next deposit would walk straight in, "
                "as if there were no lock. (The grader stopped the call there.)", **blanks),
        expected=tr("a lock made for coroutines, which makes only the waiting Task wait while the loop runs the others."),
        advice=tr("Use `asyncio.Lock()` with `async with lock:` instead of a threading lock. threading locks are for "
                  "threads; every coroutine here runs on the same thread."),
    )


# Topic part 1: deposits into a shared account.


@dataclass
class Operation:
    task: int  # which Task, numbered in order of first appearance
    kind: str  # "read" or "write"
    start: float
    value: int | None = None  # what the read returned, or what was written
    end: float | None = None
    order: int = -1  # when it took effect, among all operations: a read as it began, a write as it ended
    locks: frozenset[tuple[int, int]] = frozenset()  # the asyncio locks its Task held as it began
    deposit: int | None = None  # the deposit its Task verified last, as it began
    read: Operation | None = None  # for a write: its Task's last read, or that of the Task that started its Task


class Account:
    """`await account.read()` gives the balance; `await account.write(value)` sets it. Each takes a while.

    A read returns the balance as it was when the read began, and a write changes the balance
    only when it ends, with loop time in between: so whenever two deposits are between their
    read and their write at the same time, one of them reads a balance without the other's
    deposit, and an update is lost, whatever order their steps take within a moment.
    """

    def __init__(self, balance: int, seconds: float, path: Path, watched: Watched, first_write: float) -> None:
        self.balance, self.seconds, self.path, self.watched = balance, seconds, path, watched
        self.first_write = first_write  # how long the first write takes: the others wait that long for the lock
        self.operations: list[Operation] = []
        self.tasks: dict[int, int] = {}  # id(task) -> its number
        self.deposit_of: dict[int, int] = {}  # a Task's number -> the deposit it verified
        self._moments = itertools.count()
        # The last read made in a Task; a Task started afterwards (a write handed to ensure_future) inherits it.
        self._last_read: contextvars.ContextVar[Operation | None] = contextvars.ContextVar("last_read", default=None)

    def __repr__(self) -> str:
        return "<account>"

    def task_number(self) -> int:
        return self.tasks.setdefault(id(asyncio.current_task()), len(self.tasks))

    def _begin(self, kind: str, value: int | None = None) -> Operation:
        use = held_thread_lock(self.path)
        if use is not None:
            self.watched.thread_lock = use
            raise ThreadLockHeld(use.kind)
        task = self.task_number()
        operation = Operation(task, kind, loop_clock(), value, locks=self.watched.locks.now(),
                              deposit=self.deposit_of.get(task))
        self.operations.append(operation)
        return operation

    async def read(self) -> int:
        operation = self._begin("read", self.balance)  # the balance as the read begins is what it returns
        operation.order = next(self._moments)
        self._last_read.set(operation)
        await asyncio.sleep(self.seconds)
        operation.end = loop_clock()
        return operation.value  # type: ignore[return-value]

    async def write(self, value: int) -> None:
        operation = self._begin("write", value)
        operation.read = self._last_read.get()
        if operation.deposit is None and operation.read is not None:
            operation.deposit = operation.read.deposit
        first = sum(o.kind == "write" for o in self.operations) == 1
        await asyncio.sleep(self.first_write if first else self.seconds)
        self.balance = value  # the write lands as it ends
        operation.end, operation.order = loop_clock(), next(self._moments)


class Deposit:
    """`await deposit.verify()` takes a while, touches nothing shared, and returns the amount."""

    def __init__(self, index: int, amount: int, seconds: float, account: Account, recorder: Recorder) -> None:
        self.index, self._amount, self.seconds, self.account, self.recorder = index, amount, seconds, account, recorder
        self.holding: frozenset[tuple[int, int]] | None = None  # the asyncio locks held when verify() began
        self.span: Span | None = None
        self.label = tr("deposit {i}: verify", i=index)  # now: tr() may read its catalog, which is blocking I/O

    def __repr__(self) -> str:
        return f"<deposit {self.index}>"

    async def verify(self) -> int:
        self.account.deposit_of[self.account.task_number()] = self.index
        self.holding = self.account.watched.locks.now()
        with self.recorder.span(self.label) as span:
            self.span = span
            await asyncio.sleep(self.seconds)
        return self._amount


@dataclass
class DepositRun:
    account: Account
    deposits: list[Deposit]
    recorder: Recorder
    opening: int
    origin: float

    @property
    def expected(self) -> int:
        return self.opening + sum(d._amount for d in self.deposits)

    def who(self, operation: Operation) -> str:
        if operation.deposit is not None:
            return tr("deposit {i}", i=operation.deposit)
        return tr("Task {n}", n=operation.task + 1)


async def pay_deposits(learner: Learner, rng: random.Random) -> DepositRun:
    """Deposits whose verifications take distinct times, but two of them the same time.

    Those two finish verifying at the same moment and reach the account together: without a
    lock they both read the same balance, on every draw. The account's first write takes half a
    minute or more, so every other deposit waits that long for the lock: one that gives up
    waiting after a few seconds (`wait_for(lock.acquire(), 5)`) loses its update.
    """
    count = rng.randint(4, 6)
    distinct = rng.sample([1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0], count - 1)
    durations = [*distinct, rng.choice(distinct)]
    rng.shuffle(durations)
    amounts = rng.sample(range(10, 100), count)
    opening = rng.randint(100, 900)
    watched = Watched(LoopTurns(asyncio.current_task()), HeldLocks())  # type: ignore[arg-type]
    account = Account(opening, rng.choice([0.1, 0.2, 0.25]), learner.path, watched, rng.choice([30.0, 40.0, 45.0]))
    recorder = Recorder()
    deposits = [Deposit(i, a, d, account, recorder) for i, (a, d) in enumerate(zip(amounts, durations))]
    origin = loop_clock()
    await watched_call(learner, "deposit_all", account, deposits, watched=watched)
    return DepositRun(account, deposits, recorder, opening, origin)


@dataclass(frozen=True)
class LostUpdate:
    first: tuple[Operation, Operation]  # the read and the write whose update was lost
    second: tuple[Operation, Operation]  # the read and the write that wrote over it


def lost_update(operations: Sequence[Operation]) -> LostUpdate | None:
    """The first write that landed over another deposit's write, which had landed after its own read began."""
    writes = sorted((o for o in operations if o.kind == "write" and o.end is not None and o.read is not None),
                    key=lambda o: o.order)
    for write in writes:
        read = write.read
        for other in writes:
            if other.read is not read and read.order < other.order < write.order:  # type: ignore[union-attr]
                return LostUpdate((other.read, other), (read, write))  # type: ignore[arg-type]
    return None


def lost_update_chart(run: DepositRun, lost: LostUpdate) -> str:
    spans = []
    for read, write in (lost.first, lost.second):
        who = run.who(read)
        verify = [run.deposits[read.deposit].span] if read.deposit is not None else []  # type: ignore[list-item]
        spans += verify
        spans.append(Span(tr("{who}: read {value}", who=who, value=read.value), read.start, 0, read.end, "done"))
        spans.append(Span(tr("{who}: write {value}", who=who, value=write.value), write.start, 0, write.end, "done"))
    return timeline.render(sorted(spans, key=lambda s: s.start), origin=run.origin)


def returned_early(run: DepositRun) -> None:
    """Fails when deposit_all returned before its deposits were paid in."""
    __tracebackhide__ = True
    try:
        checks.all_finished("deposit_all", run.recorder)
    except GraderFailure as failure:
        failure.cause = "returned before the deposits were paid in"  # as below: every grader of deposit_all sees it
        raise
    unfinished = [o for o in run.account.operations if o.end is None]
    if unfinished:
        fail(
            tr("`deposit_all` returned while deposits were still being paid in."),
            observed=tr("1 of the account's reads and writes was still going on when it returned.") if len(unfinished) == 1
            else tr("{count} of the account's reads and writes were still going on when it returned.",
                    count=len(unfinished)),
            expected=tr("every deposit paid in before deposit_all returns."),
            advice=tr("Await everything you start before returning."),
            cause="returned before the deposits were paid in",  # every grader of deposit_all sees it: told once
        )
    if not run.recorder.spans and not run.account.operations:
        fail(
            tr("`deposit_all` returned before paying in any deposit."),
            observed=tr("when it returned, no deposit had been verified and the account had been neither read nor "
                        "written."),
            expected=tr("every deposit paid in before deposit_all returns."),
            advice=tr("Await everything you start before returning: `await asyncio.gather(...)` over the deposits, "
                      "or await each Task you created."),
        )


async def test_deposit_all_loses_no_update(learner: Learner, rng: random.Random) -> None:
    run = await pay_deposits(learner, rng)
    returned_early(run)
    account, expected = run.account, run.expected
    if account.balance == expected:
        return
    lost = lost_update(account.operations)
    unpaid = [d for d in run.deposits if d.span is not None and d.span.end is not None
              and not any(o.deposit == d.index for o in account.operations)]
    if lost is None and unpaid:
        fail(
            tr("`deposit_all` left the balance at {got} instead of {expected}.", got=account.balance, expected=expected),
            observed=tr("{count} deposits were verified but never read or wrote the account: {deposits}.",
                        count=len(unpaid), deposits=listed(tr("deposit {i}", i=d.index) for d in unpaid))
            if len(unpaid) > 1 else tr("deposit {i} was verified but never read or wrote the account.",
                                       i=unpaid[0].index),
            expected=tr("{opening} plus the {count} deposits: {expected}.", opening=run.opening,
                        count=len(run.deposits), expected=expected),
            timeline=deposits_chart(run),
            advice=tr("Pay in every deposit, however long it waits for the lock: `async with lock:` waits as long as "
                      "it takes. A deposit that gives up waiting (a `wait_for` with a timeout) or returns early is "
                      "never paid in."),
        )
    if lost is None:
        fail(
            tr("`deposit_all` left the balance at {got} instead of {expected}.", got=account.balance, expected=expected),
            observed=tr("the balance began at {opening}; {reads} and {writes} later it was {got}.",
                        opening=run.opening, got=account.balance,
                        reads=plural(sum(o.kind == "read" for o in account.operations), "read"),
                        writes=plural(sum(o.kind == "write" for o in account.operations), "write")),
            expected=tr("{opening} plus the {count} deposits: {expected}.", opening=run.opening,
                        count=len(run.deposits), expected=expected),
            advice=tr("For each deposit: `amount = await deposit.verify()`, then `balance = await account.read()` and "
                      "`await account.write(balance + amount)`."),
        )
    (first_read, first_write), (second_read, second_write) = lost.first, lost.second
    first, second = run.who(first_read), run.who(second_read)
    story = tr("{second} read the balance ({value}) while {first} was between its read and its write; {first} wrote "
               "{first_value} at {first_at}, then {second} wrote {second_value} at {second_at}, over it, so {first}'s "
               "{amount} was lost.",
               first=first, second=second, value=second_read.value, first_value=first_write.value,
               first_at=seconds(first_write.end - run.origin), second_value=second_write.value,  # type: ignore[operator]
               second_at=seconds(second_write.end - run.origin),  # type: ignore[operator]
               amount=(first_write.value or 0) - (first_read.value or 0))
    first_held, second_held = first_read.locks & first_write.locks, second_read.locks & second_write.locks
    # What let `second` read in the middle of `first`'s read and write:
    if first_write.task != first_read.task:  # a write in a Task of its own
        why = tr("The write of {first} ran in a Task of its own, and {first} did not wait for it: the write had not "
                 "finished at {at}, when {second} read the balance.", first=first, second=second,
                 at=seconds(second_read.start - run.origin))
        advice = tr("Await the write where you read, inside the lock: `await account.write(balance + amount)` in the "
                    "same `async with lock:` block as the read. A write handed to `asyncio.ensure_future` or "
                    "`create_task` and not awaited there goes on after the lock is let go.")
    elif not any(o.locks for o in (first_read, first_write, second_read, second_write)):
        why = tr("Neither of them held a lock.")
        advice = tr("Create one `asyncio.Lock()` in deposit_all and hold it with `async with lock:` around each "
                    "deposit's read and write, and only those: then one deposit at a time is between reading and writing.")
    elif first_held and second_held and not {lock for lock, _ in first_held} & {lock for lock, _ in second_held}:
        why = tr("Each of them held a lock, but not the same one: a lock that only one Task uses never makes another wait.")
        advice = tr("Create the lock once, in deposit_all before the deposits start, and share it: a lock made inside "
                    "each deposit's own code (or `async with asyncio.Lock():`) is a new lock every time.")
    elif shared := {lock for lock, _ in first_held} & {lock for lock, _ in second_held}:
        # Both held one lock all the way from their read to their write, and one read while the other was in
        # between: that lock let two Tasks in at once, as a Semaphore with more than one seat does.
        held = next((o for o in run.account.watched.locks.keep if id(o) in shared), None)
        blanks = {"first": first, "second": second}
        if isinstance(held, asyncio.Semaphore):
            why = tr("{first} and {second} held the same asyncio.Semaphore from their read to their write, at the same "
                     "time: a Semaphore with more than one seat lets that many deposits in together.", **blanks)
        else:
            why = tr("{first} and {second} held the same lock from their read to their write, at the same time: it let "
                     "two deposits in together.", **blanks)
        advice = tr("Guard the read and the write with `asyncio.Lock()`, which lets one Task in at a time (as "
                    "`asyncio.Semaphore(1)` would): any more, and each of them reads a balance without the others' "
                    "deposits.")
    elif first_read.locks and not {lock for lock, _ in first_read.locks} & {lock for lock, _ in first_write.locks}:
        why = tr("When {first} began to write, at {at}, it no longer held the lock it had held while it read, so "
                 "{second} could read in between.", first=first, second=second, at=seconds(first_write.start - run.origin))
        advice = tr("Keep the write inside the `async with lock:` block, right after the read: let go of the lock only "
                    "once the write is done.")
    else:
        why = tr("The lock was not held all the way from the read to the write, so another deposit could read in between.")
        advice = tr("Put the read and the write in the same `async with lock:` block, with one lock shared by every "
                    "deposit.")
    fail(
        tr("`deposit_all` lost an update: the balance ended at {got} instead of {expected}.",
           got=account.balance, expected=expected),
        observed=sentences(story, why),
        expected=tr("one deposit at a time between reading and writing, so the balance ends at {expected} ({opening} "
                    "plus the {count} deposits).", expected=expected, opening=run.opening, count=len(run.deposits)),
        timeline=lost_update_chart(run, lost),
        advice=advice,
    )


def deposits_chart(run: DepositRun) -> str:
    """Each deposit's verification, and its time from read to write."""
    spans = list(run.recorder.spans)
    by_deposit: dict[tuple[int, int | None], list[Operation]] = {}
    for operation in run.account.operations:
        by_deposit.setdefault((operation.task, operation.deposit), []).append(operation)
    for operations in by_deposit.values():
        end = max((o.end for o in operations if o.end is not None), default=None)
        spans.append(Span(tr("{who}: read and write", who=run.who(operations[0])), operations[0].start, 0, end,
                          "done" if end is not None else "running"))
    return timeline.render(sorted(spans, key=lambda s: (s.start, natural(s.label))), origin=run.origin)


async def test_deposit_all_verifies_every_deposit_at_once(learner: Learner, rng: random.Random) -> None:
    run = await pay_deposits(learner, rng)
    checks.on_loop_thread("deposit_all", learner, run.recorder)
    returned_early(run)
    unverified = [d for d in run.deposits if d.holding is None]
    if unverified:
        fail(
            tr("`deposit_all` never called verify() for deposit {i}.", i=unverified[0].index),
            expected=tr("`amount = await deposit.verify()` for every deposit: the amount comes from there."),
        )
    late = sorted((d for d in run.deposits if d.span and d.span.start > run.origin + TOLERANCE),
                  key=lambda d: d.span.start)  # type: ignore[union-attr]
    if not late:
        return
    count, slowest = len(run.deposits), max(d.seconds for d in run.deposits)
    took = max((s.end for s in run.recorder.spans if s.end is not None), default=run.origin) - run.origin
    summary = tr("`deposit_all` made verifications wait: they took {took} instead of {slowest}.",
                 took=seconds(took), slowest=seconds(slowest))
    locked = [d for d in run.deposits if d.holding]
    if locked:
        observed = (
            tr("every verification ran while its Task held a lock, so each waited for the deposits ahead of it, "
               "although verifying touches nothing shared.")
            if len(locked) == count
            else tr("{held} of the {count} verifications ran while their Task held a lock, so each waited for the "
                    "deposits ahead of it, although verifying touches nothing shared.", held=len(locked), count=count)
        )
        advice = tr("Hold the lock only around the read and the write: verify first, outside the `async with lock:` "
                    "block, then take the lock.")
    elif run.recorder.max_in_flight <= 1:
        observed = tr("the {count} verifications ran one after another.", count=count)
        advice = tr("Run the deposits as Tasks (or with asyncio.gather), each verifying its own deposit, so the "
                    "verifications overlap.")
    else:
        observed = tr("the verification of deposit {i} began only at {start}, although it needs nothing shared.",
                      i=late[0].index, start=seconds(late[0].span.start - run.origin))  # type: ignore[union-attr]
        advice = tr("Start every deposit's verification at once; only the read and the write need to take turns.")
    fail(
        summary,
        observed=observed,
        expected=tr("all {count} verifications starting together, so they take {slowest}; only the reads and writes "
                    "take turns.", count=count, slowest=seconds(slowest)),
        timeline=deposits_chart(run),
        advice=advice,
    )


# Topic part 2: a start signal.


class Runner:
    """`await runner.get_ready()` takes a while; `await runner.run()` runs the race and returns a result."""

    def __init__(self, index: int, ready: float, running: float, result: int, recorder: Recorder) -> None:
        self.index, self.ready_seconds, self.run_seconds, self.result = index, ready, running, result
        self.recorder = recorder
        self.ready: Span | None = None
        self.ran: Span | None = None
        # Labels made now: tr() may read its catalog, blocking I/O the guard would pin on the learner's line.
        self.ready_label, self.run_label = tr("runner {i}: get ready", i=index), tr("runner {i}: run", i=index)

    def __repr__(self) -> str:
        return f"<runner {self.index}>"

    async def get_ready(self) -> None:
        with self.recorder.span(self.ready_label) as span:
            self.ready = self.ready or span
            await asyncio.sleep(self.ready_seconds)

    async def run(self) -> int:
        with self.recorder.span(self.run_label) as span:
            self.ran = self.ran or span
            await asyncio.sleep(self.run_seconds)
        return self.result


@dataclass
class Race:
    runners: list[Runner]
    recorder: Recorder
    signal: float  # seconds after the call began, when the starter gives the start
    origin: float
    turns: LoopTurns
    results: Any = None
    called: float | None = None  # loop time at which starter() was called (first)
    given: float | None = None  # loop time at which starter() returned
    calls: int = 0  # how many times starter() was called

    def spans(self, name: str) -> list[tuple[Runner, Span, Span]]:
        """Each runner with its get_ready() and run() spans; fails when the starter was not awaited or a runner
        skipped a step, or ran before it was ready."""
        __tracebackhide__ = True
        if self.called is None or self.given is None:
            fail(tr("`{name}` never waited for the starter.", name=name),
                 expected=tr("`await starter()` right away: it returns at the moment the start is given."))
        if self.calls > 1:
            fail(tr("`{name}` called `starter()` {times}, not once.", name=name, times=plural(self.calls, "time"),
                    count=self.calls),
                 observed=tr("starter() gives the start once: each call of it waits for the start afresh."),
                 expected=tr("one `await starter()`, right away, in start_together itself."),
                 timeline=self.recorder.timeline(),
                 advice=tr("Call `await starter()` once, in start_together, while the runners get ready: not in each "
                           "runner, nor in a loop."))
        steps = tr("each runner: `await runner.get_ready()`, then wait for the start, then `await runner.run()`.")
        rows = []
        for runner in self.runners:
            if runner.ready is None or runner.ran is None:
                fail(tr("`{name}` never called {what} for runner {i}.", name=name, i=runner.index,
                        what="get_ready()" if runner.ready is None else "run()"), expected=steps)
            if runner.ready.end is None or runner.ran.start < runner.ready.end - TOLERANCE:
                fail(tr("`{name}` made runner {i} run before it was ready.", name=name, i=runner.index),
                     expected=steps, timeline=self.recorder.timeline())
            rows.append((runner, runner.ready, runner.ran))
        return rows


async def run_race(learner: Learner, rng: random.Random, *, late: bool = False) -> Race:
    """Runners that get ready at distinct times, all before the start, which comes 1.2-2.1 s after the last
    (30-45 s after it when `late`: longer than any time limit put on waiting for the start).

    The start never falls on a multiple of 0.05 s after anything, so code that checks a flag
    every 0.1 s or 0.05 s notices it late; code that checks more often wakes up in between.
    Getting ready one after another takes longer than the start: some runner is then late.
    """
    count = rng.randint(3, 6)
    ready = rng.sample([1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0], count)
    running = rng.sample([0.5, 1.0, 1.5, 2.0, 2.5, 3.0], count)
    results = rng.sample(range(100, 1000), count)
    if running == sorted(running):  # they would finish in their own order, where results in finishing order pass
        running.reverse()
    signal = (max(ready) + (rng.randint(300, 450) if late else rng.randint(12, 20)) / 10
              + rng.choice([0.03, 0.07, 0.013, 0.037]))
    recorder = Recorder()
    runners = [Runner(i, r, d, v, recorder) for i, (r, d, v) in enumerate(zip(ready, running, results))]
    race = Race(runners, recorder, signal, loop_clock(), LoopTurns(asyncio.current_task()))  # type: ignore[arg-type]
    label = tr("the starter")

    async def starter() -> None:
        race.calls += 1
        if race.called is None:
            race.called = loop_clock()
        with recorder.span(label):
            await asyncio.sleep(signal)
        race.given = loop_clock()

    watched = Watched(race.turns, HeldLocks())
    try:
        race.results = await watched_call(learner, "start_together", runners, starter, watched=watched)
    except GraderFailure:
        if race.called is None and loop_clock() - race.origin >= TIME_LIMIT - TOLERANCE:
            starter_never_called(race)
        raise
    return race


def starter_never_called(race: Race) -> None:
    """Fail for a call that ran until the time limit without ever calling the starter: the runners waited for a
    start nobody could give."""
    __tracebackhide__ = True
    ready = [r for r in race.runners if r.ready is not None and r.ready.end is not None]
    fail(
        tr("`start_together` was still running after {limit} of loop time, and it had never called `starter()`.",
           limit=seconds(TIME_LIMIT)),
        observed=tr("{ready} of the {count} runners got ready and {ran} ran; `starter()`, which gives the start, was "
                    "never called.", ready=len(ready), count=len(race.runners),
                    ran=sum(r.ran is not None for r in race.runners)),
        expected=tr("`await starter()` right away, while the runners get ready."),
        timeline=race.recorder.timeline(),
        advice=tr("Start the runners as Tasks and call `await starter()` while they wait, then give the start; wait "
                  "for the runners' results only after that. An `async with asyncio.TaskGroup()` block, or an `await "
                  "asyncio.gather(...)` of the runners, ends only once every runner has run."),
        cause="starter never called",
    )


async def test_start_together_starts_every_runner_at_the_signal(learner: Learner, rng: random.Random) -> None:
    # Two races, one after the other in the same process: a start signal kept from one call to the next (an Event
    # made once, outside the function) is still set in the second, and lets its runners go the moment they are
    # ready. The second start comes half a minute or more after the runners are ready: a runner that waits for it
    # only so long (`wait_for(start.wait(), 5)`) runs early.
    await judge_start(learner, await run_race(learner, rng))
    race = await run_race(learner, rng, late=True)
    try:
        await judge_start(learner, race)
    except GraderFailure as failure:
        if gave_up_waiting(race):
            raise  # told as such by judge_start: nothing kept from the first call
        failure.advice = tr("Make what start_together uses to give the start (an Event, say) inside it, once per call: "
                            "`start = asyncio.Event()` there. One made outside it is still set from the first call.")
        failure.observed = sentences(failure.observed or "", tr(
            "This was the second of two calls of start_together, one after the other; the first was right. Whatever "
            "it keeps from one call to the next (an Event created outside it, say) must start afresh with each call."))
        raise


def gave_up_waiting(race: Race) -> float | None:
    """How long each runner that ran before the start had waited after getting ready, where they all waited the
    same time, and some time: a wait for the start with a time limit. None otherwise."""
    if race.given is None:
        return None
    waits = [r.ran.start - r.ready.end for r in race.runners if r.ran is not None and r.ready is not None
             and r.ready.end is not None and r.ran.start < race.given - TOLERANCE]
    if waits and min(waits) > TOLERANCE and max(waits) - min(waits) <= TOLERANCE:
        return waits[0]
    return None


async def judge_start(learner: Learner, race: Race) -> None:
    """One race: every runner starts the moment the start is given, and its result comes back in its place."""
    __tracebackhide__ = True
    name = "start_together"
    checks.on_loop_thread(name, learner, race.recorder)
    checks.all_finished(name, race.recorder)
    rows = race.spans(name)
    assert race.called is not None and race.given is not None
    if race.called > race.origin + TOLERANCE:
        fail(
            tr("`{name}` called the starter only at {late}.", name=name, late=seconds(race.called - race.origin)),
            observed=tr("it called `starter()` only at {late}, so the start was given at {given} instead of {signal}.",
                        late=seconds(race.called - race.origin), given=seconds(race.given - race.origin),
                        signal=seconds(race.signal)),
            expected=tr("`await starter()` right away, while the runners get ready."),
            timeline=race.recorder.timeline(),
            advice=tr("Start the runners as Tasks, then `await starter()` while they get ready."),
        )
    given = race.given - race.origin
    early = [(runner, ran) for runner, _, ran in rows if ran.start < race.given - TOLERANCE]
    if early:
        runner, ran = early[0]
        observed = tr("runner {i} started running at {start}; the start was given at {given}.", i=runner.index,
                      start=seconds(ran.start - race.origin), given=seconds(given))
        advice = tr("Make each runner wait for the start: `await start.wait()` on one asyncio.Event, between "
                    "get_ready() and run(); `start.set()` once `await starter()` returns.")
        if waited := gave_up_waiting(race):
            observed = sentences(observed, tr("Each runner that ran early did so {waited} after it was ready: it "
                                              "stopped waiting for the start after a fixed time.",
                                              waited=seconds(waited)))
            advice = tr("Wait for the start as long as it takes: `await start.wait()`, with no time limit around it "
                        "(no `asyncio.wait_for(start.wait(), ...)`). A runner that gives up waiting runs early.")
        fail(
            tr("`{name}` let runner {i} start before the start was given.", name=name, i=runner.index),
            observed=observed,
            expected=tr("every runner waiting, once ready, until the start is given."),
            timeline=race.recorder.timeline(),
            advice=advice,
        )
    starts = [ran.start - race.origin for _, _, ran in rows]
    if max(starts) > given + TOLERANCE:
        if max(starts) - min(starts) <= TOLERANCE:
            started = tr("the start was given at {given}; all {count} runners started {late} after it.",
                         given=seconds(given), count=len(starts), late=seconds(starts[0] - given))
        else:
            started = tr("the start was given at {given}; the runners started at {starts}.",
                         given=seconds(given), starts=listed(seconds(s) for s in starts))
        ready_late = [(runner, ready) for runner, ready, _ in rows if ready.end > race.given + TOLERANCE]  # type: ignore[operator]
        woke = race.turns.woke_between(max(ready.end for _, ready, _ in rows), race.given,  # type: ignore[type-var, arg-type]
                                       race.recorder.spans)
        readies = sorted((ready for _, ready, _ in rows), key=lambda span: span.start)
        if ready_late and all(ready.start >= race.given - TOLERANCE for ready in readies):  # type: ignore[operator]
            observed = tr("the start was given at {given}; only then did the runners begin to get ready.",
                          given=seconds(given))
            advice = tr("Get ready first, then wait for the start: in each runner, `await runner.get_ready()`, then "
                        "`await start.wait()`, then `await runner.run()`. Waiting first leaves the getting ready "
                        "until after the start.")
        elif ready_late:
            runner, ready = ready_late[0]
            blanks = {"i": runner.index, "given": seconds(given), "ready": seconds(ready.end - race.origin)}  # type: ignore[operator]
            one_by_one = all(later.start >= earlier.end - TOLERANCE  # type: ignore[operator]
                             for earlier, later in zip(readies, readies[1:]))
            observed = tr("runner {i} was only ready at {ready}, after the start at {given}: the runners got ready one "
                          "after another.", **blanks) if one_by_one \
                else tr("runner {i} was only ready at {ready}, after the start at {given}.", **blanks)
            advice = tr("Let every runner get ready at the same time, each in a Task of its own, while the starter runs.")
        elif woke:
            observed = sentences(started, tr("Meanwhile the loop woke up {times} with nothing to do, as a loop that "
                                             "sleeps and then checks a flag again does.",
                                             times=plural(len(woke), "time"), count=len(woke)))
            advice = tr("A runner that checks a flag and sleeps only notices the start when its sleep ends. Let each "
                        "runner `await start.wait()` on an asyncio.Event instead, and call `start.set()` once "
                        "`await starter()` returns: every waiting runner wakes at that moment.")
        else:
            observed = started
            advice = tr("Let each runner `await start.wait()` on an asyncio.Event, and call `start.set()` as soon as "
                        "`await starter()` returns: every waiting runner wakes at that moment.")
        fail(
            tr("`{name}` started runners late: up to {late} after the start was given.", name=name,
               late=seconds(max(starts) - given)),
            observed=observed,
            expected=tr("every runner starting at {given}, the moment the start is given.", given=seconds(given)),
            timeline=race.recorder.timeline(),
            advice=advice,
        )
    checks.returned(name, race.results, list, tr("a list of results"))
    checks.same_results(name, race.results, [r.result for r in race.runners], race.recorder,
                        given=tr("the runners you were given"))


async def test_start_together_waits_without_polling(learner: Learner, rng: random.Random) -> None:
    race = await run_race(learner, rng)
    name = "start_together"
    rows = race.spans(name)
    assert race.given is not None
    last_ready = max(ready.end for _, ready, _ in rows)  # type: ignore[type-var]
    woke = race.turns.woke_between(last_ready, race.given, race.recorder.spans)  # type: ignore[arg-type]
    if not woke:
        return
    moments = listed(seconds(t - race.origin) for t in woke[:3])
    if len(woke) > 3:
        moments = tr("{first} and {more} more", first=moments, more=len(woke) - 3)
    fail(
        tr("`{name}` kept waking up while the runners waited for the start.", name=name),
        observed=tr("from {ready}, when the last runner was ready, to {given}, when the start was given, the event loop "
                    "woke up {times} (at {moments}) although nothing happened that the runners had to react to: a loop "
                    "that sleeps and checks a flag again does that.",
                    ready=seconds(last_ready - race.origin), given=seconds(race.given - race.origin),  # type: ignore[operator]
                    times=plural(len(woke), "time"), count=len(woke), moments=moments),
        expected=tr("no wake-ups while waiting: Tasks waiting on an asyncio.Event sleep until it is set."),
        timeline=race.recorder.timeline(),
        advice=tr("Let each runner `await start.wait()` on one asyncio.Event and call `start.set()` when `await "
                  "starter()` returns, instead of checking a flag in a loop."),
    )


# Topic part 3: a limit on calls per second.


@dataclass
class Burst:
    calls: list[Any]
    results: list[int]
    limit: int
    recorder: Recorder
    origin: float
    got: Any = None

    def starts(self) -> list[float]:
        return sorted(s.start for s in self.recorder.spans)

    def chart(self) -> str:
        """On the loop's own clock, from 0, so that whole seconds show."""
        return timeline.render(sorted(self.recorder.spans, key=lambda s: (s.start, natural(s.label))), origin=0.0)


async def call_burst(learner: Learner, rng: random.Random) -> Burst:
    """More than two seconds' worth of calls, some slower than a second, and `limit` + 1 short ones in a
    row, handed over at a loop time that is never a whole second: counting per whole second of the clock lets twice the limit
    through across the next whole second, on every draw. Calling them one after another is
    slower than the limit, on every draw too: the second start is already late."""
    limit = rng.randint(2, 4)
    count = rng.randint(2 * limit + 1, 3 * limit)
    lengths = [0.25, 0.5, 0.75, 1.5, 2.5]
    # The first `limit` calls (started together by any answer) all of different lengths, so they end apart: a slot
    # given back after its own call then shows apart from a group of calls that waits for its slowest (batches).
    first = rng.sample(lengths, limit)
    if not {1.5, 2.5} & set(first):
        first[rng.randrange(limit)] = rng.choice([1.5, 2.5])  # a slow call among the first ones
    # Then `limit` + 1 short calls in a row, each ending well within a second: a slot given back when its call
    # ends (or a group let in once the group before has ended) lets more than `limit` start within one second.
    short = [0.25, 0.5, 0.75]
    durations = (first + [rng.choice(short) for _ in range(limit + 1)]
                 + [rng.choice(lengths) for _ in range(count - 2 * limit - 1)])
    results = rng.sample(range(100, 1000), count)
    recorder = Recorder()
    calls = [recorder.job(tr("call {i}", i=i), d, r) for i, (d, r) in enumerate(zip(durations, results))]
    # k/64 s is exact in binary floating point, as are the durations: sums and differences of these
    # times come out exact, so code that sleeps until "oldest start + 1 s" lands on that moment and
    # does not spin on a remainder of 1e-16 s (which virtual time, unlike a real clock, never covers).
    # Never a multiple of 1/4 s either, so no call (all multiples of 1/4 s long) ends on a whole second.
    await asyncio.sleep(rng.choice([k for k in range(10, 55) if k % 16]) / 64)
    burst = Burst(calls, results, limit, recorder, loop_clock())
    watched = Watched(LoopTurns(asyncio.current_task()), HeldLocks())  # type: ignore[arg-type]
    burst.got = await watched_call(learner, "call_all_limited", calls, limit, watched=watched)
    return burst


def fixed_window(starts: Sequence[float], inside: Sequence[float], limit: int) -> float | None:
    """The moment in `inside` (after its first start) at which windows of one second could have been reset, if
    the starts show it: two or more calls started together at that moment, and no window of one second in step
    with it (…, boundary - 1 to boundary, boundary to boundary + 1, …) holds more than `limit` starts."""
    for boundary in sorted(set(inside)):
        if boundary <= inside[0] + TOLERANCE or sum(1 for s in inside if abs(s - boundary) <= TOLERANCE) < 2:
            continue
        windows: dict[int, int] = {}
        for s in starts:
            window = int((s - boundary + TOLERANCE) // 1)
            windows[window] = windows.get(window, 0) + 1
        if max(windows.values()) <= limit:
            return boundary
    return None


def moments_of(starts: Sequence[float]) -> str:
    """Start moments as a learner reads them: "0.73 s (3 calls), 1.07 s, 1.40 s"."""
    groups: list[tuple[float, int]] = []
    for start in starts:
        if groups and start - groups[-1][0] <= TOLERANCE:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((start, 1))
    return listed(seconds(at) if n == 1 else tr("{at} ({calls})", at=seconds(at), calls=plural(n, "call"), count=n)
                  for at, n in groups)


async def test_call_all_limited_never_exceeds_the_rate(learner: Learner, rng: random.Random) -> None:
    burst = await call_burst(learner, rng)
    name = "call_all_limited"
    checks.on_loop_thread(name, learner, burst.recorder)
    starts, limit = burst.starts(), burst.limit
    worst_count, worst_from = 0, 0.0
    for i, start in enumerate(starts):
        within = sum(1 for s in starts[i:] if s < start + 1 - TOLERANCE)
        if within > worst_count:
            worst_count, worst_from = within, start
    if worst_count > limit:
        inside = [s for s in starts if worst_from <= s < worst_from + 1 - TOLERANCE]
        counted = {"name": name, "count": worst_count, "limit": limit, "first": seconds(inside[0]),
                   "last": seconds(inside[-1])}
        boundary = fixed_window(starts, inside, limit)
        # A call that started within the counted second and ended less than a second later, as another call started:
        # its slot came back when it ended. (No call ends on a whole second or a second after another's start.)
        freed = next(((span, s) for s in inside if s > inside[0] + TOLERANCE for span in burst.recorder.spans
                      if span.end is not None and span.start >= inside[0] - TOLERANCE
                      and span.end - span.start < 1 - TOLERANCE and abs(span.end - s) <= TOLERANCE), None)
        if freed is not None:
            ended, at = freed
            observed = tr("{count} calls started between {first} and {last}. {other} started at {began} and ended at "
                          "{end}, and another call started at that very moment: the slot came back when {other} "
                          "ended, less than a second after it started.", other=ended.label, began=seconds(ended.start),
                          end=seconds(at), **counted)
            names = learner.names_reached(name)
            # A timer that gives the seat back, and no acquire() of its own: the seat is taken with `async with`,
            # which gives it back again as its block ends, when the call does.
            advice = tr("Each seat was given back twice: `async with semaphore:` gives it back when its block ends, "
                        "when the call does, and `loop.call_later(1, semaphore.release)` a second time, later. Take "
                        "the seat with `await semaphore.acquire()`, so that the timer alone gives it back.") \
                if {"call_later", "release"} <= names and "acquire" not in names \
                else tr("A limit per second counts starts over the last second, not calls in flight: a slot comes back "
                        "one second after its call started, however soon the call ends. Take an "
                        "`asyncio.Semaphore(per_second)` before each call and give it back with `loop.call_later(1, "
                        "semaphore.release)` right after taking it, not when the call ends.")
        elif boundary is not None:
            # Every window of one second from `boundary` on (and back from it) kept the limit, and the calls
            # that waited started together as one began: a count per fixed window, reset at each of them.
            split = {"before": sum(1 for s in inside if s < boundary - TOLERANCE),
                     "after": sum(1 for s in inside if s >= boundary - TOLERANCE),
                     "together": sum(1 for s in inside if abs(s - boundary) <= TOLERANCE),
                     "boundary": seconds(boundary), "end": seconds(inside[0] + 1)}
            if abs(boundary - round(boundary)) <= TOLERANCE:
                observed = tr("no whole second of the clock held more than {limit} starts, but the second from {first} "
                              "to {end} held {count}: {before} before {boundary} and {after} from {boundary} on, "
                              "{together} of them at {boundary} itself, as that whole second began. Counting per whole "
                              "second lets {limit} through before a whole second and {limit} more as it begins.",
                              **split, **counted)
            else:
                observed = tr("counted in fixed windows of one second, one of them beginning at {boundary}, no window "
                              "held more than {limit} starts, but the second from {first} to {end} held {count}: "
                              "{before} before {boundary} and {after} from {boundary} on, {together} of them at "
                              "{boundary} itself. Counting per fixed window of one second lets {limit} through at the "
                              "end of one window and {limit} more as the next begins.", **split, **counted)
            advice = tr("Count the starts of the last second wherever it begins: keep the start times of recent calls and "
                        "let a call start only when fewer than `per_second` of them are less than a second old. Or take "
                        "an `asyncio.Semaphore(per_second)` before each call and give it back one second later: "
                        "`loop.call_later(1, semaphore.release)`.")
        elif inside[-1] - inside[0] <= TOLERANCE and abs(inside[0] - burst.origin - 1) <= TOLERANCE:
            # Released together one second after the calls were handed over: each release was scheduled before its
            # call had a slot, as the calls arrived.
            observed = tr("{count} calls started at the same moment, {first}, one second after the calls were handed "
                          "over: that is when the slots came back, all at once.", **counted)
            advice = tr("Schedule a slot's return once the call has it: `await semaphore.acquire()`, then "
                        "`loop.call_later(1, semaphore.release)`. Scheduled before the acquire, every call's release "
                        "comes due one second after the calls arrive, together.")
        elif worst_count == limit + 1:
            # Every second held at most one start too many, and more calls than that were made: they were held
            # back, by a limit one too high.
            observed = (tr("{count} calls started at the same moment, {first}: one more than the limit. No second held "
                           "more than {count} starts: the calls were held back, but one call too many got through.",
                           **counted) if inside[-1] - inside[0] <= TOLERANCE
                        else tr("{count} calls started between {first} and {last}: one more than the limit. No second "
                                "held more than {count} starts: the calls were held back, but one call too many got "
                                "through.", **counted))
            advice = tr("Look for an off-by-one in what lets a call start: while `per_second` calls have started in the "
                        "last second, the next one waits (`len(recent) < per_second`, not `<=`), and every call, the "
                        "first one too, takes its slot from the same `asyncio.Semaphore(per_second)`.")
        elif inside[-1] - inside[0] <= TOLERANCE:
            observed = tr("{count} calls started at the same moment, {first}.", **counted)
            advice = tr("Make each call wait for a slot: take an `asyncio.Semaphore(per_second)` before each call and "
                        "give the slot back one second after the start, with `loop.call_later(1, semaphore.release)`.")
        else:
            # The gap to the microsecond: a slot given back a millisecond early leaves starts 0.999 s apart, which
            # two decimals would show as a whole second.
            observed = tr("{count} calls started between {first} and {last}, only {gap} apart: at {moments}.",
                          gap=f"{round(inside[-1] - inside[0], 6):g} s", moments=moments_of(inside), **counted)
            advice = tr("Let a call start only when fewer than `per_second` calls have started in the second before "
                        "it, wherever that second begins: take an `asyncio.Semaphore(per_second)` before each call and "
                        "give the slot back a whole second after the start, with `loop.call_later(1, semaphore.release)`.")
        fail(
            tr("`{name}` started {count} calls within one second; the limit was {limit} per second.", **counted),
            observed=sentences(observed, tr("(Times are the event loop's clock; the calls were handed over at {origin}.)",
                                            origin=seconds(burst.origin))),
            expected=tr("in every window of one second, wherever it begins, at most {limit} starts.", limit=limit),
            timeline=burst.chart(),
            advice=advice,
        )
    checks.returned(name, burst.got, list, tr("a list of results"))
    checks.same_results(name, burst.got, burst.results, burst.recorder)


def batched(spans: Sequence[Span], limit: int) -> list[float]:
    """The pauses between groups where the calls (`spans`, by start) started in groups of `limit` (the last may be
    smaller), all of a group at one moment, each group once every call of the group before had ended: for each
    group after the first, how long after that group's last end it began. Empty when the starts show no such groups."""
    groups: list[list[Span]] = []
    for span in spans:
        if groups and abs(span.start - groups[-1][0].start) <= TOLERANCE:
            groups[-1].append(span)
        else:
            groups.append([span])
    if len(groups) < 2 or any(len(g) != limit for g in groups[:-1]) or len(groups[-1]) > limit:
        return []
    pauses = []
    for before, group in zip(groups, groups[1:]):
        if any(s.end is None for s in before):
            return []
        pause = group[0].start - max(s.end for s in before)  # type: ignore[type-var]
        if pause < -TOLERANCE:
            return []
        pauses.append(pause)
    return pauses


async def test_call_all_limited_is_not_slower_than_the_limit(learner: Learner, rng: random.Random) -> None:
    burst = await call_burst(learner, rng)
    name = "call_all_limited"
    checks.on_loop_thread(name, learner, burst.recorder)
    spans, limit, origin = sorted(burst.recorder.spans, key=lambda s: s.start), burst.limit, burst.origin
    starts = [s.start for s in spans]
    if len(starts) < len(burst.calls):
        fail(tr("`{name}` made {made} of the {count} calls.", name=name, made=len(starts), count=len(burst.calls)),
             expected=tr("every call made once."))
    for j, start in enumerate(starts):
        # The rule: a call waits only while `limit` calls have started in the last second.
        free = max(origin, starts[j - limit] + 1) if j >= limit else origin
        if start <= free + TOLERANCE:
            continue
        # Waits measured by a real clock end when the machine gets there: the moment (not shown, it differs from run
        # to run) says nothing of the code's rule.
        wall_clock_hang(learner, name, late=tr("{call} started later than the limit allowed.", call=spans[j].label))
        recent = sum(1 for s in starts[:j] if free - 1 + TOLERANCE < s <= free + TOLERANCE)
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        one_by_one = all(s.end is not None and after.start >= s.end - TOLERANCE for s, after in zip(spans, spans[1:]))
        if one_by_one:
            how = tr("It started each call only after the one before had finished, so a slow call held up the next "
                     "starts.")
            advice = tr("The limit counts starts, not calls in progress: start the calls together (as Tasks, or with "
                        "gather) and make each wait only for a free slot: an `asyncio.Semaphore(per_second)` taken "
                        "before each call and given back one second later, with `loop.call_later(1, semaphore.release)`.")
        elif gaps and max(gaps) - min(gaps) <= TOLERANCE:
            how = tr("It spaced the starts evenly, {gap} apart.", gap=seconds(gaps[0]))
            advice = tr("Up to {limit} calls may start at once; only the next one waits, until the oldest of those "
                        "starts is a second old. Take an `asyncio.Semaphore(per_second)` before each call and give the "
                        "slot back one second later, with `loop.call_later(1, semaphore.release)`.", limit=limit)
        elif batches := batched(spans, limit):
            # Groups of `limit` starts, each once the group before had ended: fixed batches, whatever held them.
            how = (tr("It started the calls in groups of {limit}, each group one second after every call of the group "
                      "before had finished, so the slowest call of a group held up the whole next group.", limit=limit)
                   if all(abs(pause - 1) <= TOLERANCE for pause in batches)
                   else tr("It started the calls in groups of {limit}, each group only once every call of the group "
                           "before had finished, so the slowest call of a group held up the whole next group.",
                           limit=limit))
            advice = tr("The limit counts starts, not calls in progress: a call may start while earlier calls still "
                        "run, as soon as fewer than `per_second` calls have started in the last second. Start every "
                        "call together (as Tasks, or with gather) and make each wait only for a free slot: an "
                        "`asyncio.Semaphore(per_second)` taken before each call and given back one second after the "
                        "start, with `loop.call_later(1, semaphore.release)`.")
        elif ended := next((s for s in spans[:j] if s.end is not None and abs(s.end + 1 - start) <= TOLERANCE), None):
            how = tr("It started one second after {other} had finished (at {end}), not one second after {other} had "
                     "started: a slot given back a second after its call ends is held for the whole call as well.",
                     other=ended.label, end=seconds(ended.end))  # type: ignore[arg-type]
            advice = tr("Give the slot back one second after its call starts: schedule `loop.call_later(1, "
                        "semaphore.release)` right after taking the slot, before awaiting the call, not in a `finally:` "
                        "after it.")
        else:
            how = ""
            advice = tr("Let a call start the moment fewer than `per_second` calls have started in the last second: take "
                        "an `asyncio.Semaphore(per_second)` before each call and give the slot back one second later, "
                        "with `loop.call_later(1, semaphore.release)`.")
        # Two moments a few milliseconds apart read the same to two decimals ("started at 1.58 s, where the limit
        # allowed 1.58 s"): then both with three.
        at_start, at_free = seconds(start), seconds(free)
        if at_start == at_free:
            at_start, at_free = f"{start:.3f} s", f"{free:.3f} s"
        waited = tr("{call} waited from {free} to {start}, although only {recent} of the {limit} starts allowed in a "
                    "second had been used in the second up to {free}.",
                    call=spans[j].label, free=at_free, start=at_start, recent=recent, limit=limit) if recent \
            else tr("{call} waited from {free} to {start}, although no call had started in the second up to {free}.",
                    call=spans[j].label, free=at_free, start=at_start)
        # The headline names a start the limit shows late: this first one, and the last too where it is late
        # (an evenly spaced last start can be on time while every start before it was late).
        best = origin + (len(starts) - 1) // limit
        at_last, at_best = seconds(starts[-1]), seconds(best)
        if at_last == at_best:
            at_last, at_best = f"{starts[-1]:.3f} s", f"{best:.3f} s"
        late = {"name": name, "call": spans[j].label, "start": at_start, "free": at_free,
                "count": len(starts), "last": at_last, "best": at_best}
        fail(
            tr("`{name}` started the calls later than the limit requires: {call} started at {start}, where the limit "
               "allowed {free}, and the last of {count} at {last}, where it allows {best}.", **late)
            if starts[-1] > best + TOLERANCE else
            tr("`{name}` started the calls later than the limit requires: {call} started at {start}; the limit "
               "allowed {free}.", **late),
            observed=sentences(waited, how),
            expected=tr("each call starting as soon as fewer than {limit} calls have started in the last second: {limit} "
                        "at once at {origin}, then {limit} more a second later, and so on. (Times are the event loop's "
                        "clock.)", limit=limit, origin=seconds(origin)),
            timeline=burst.chart(),
            advice=advice,
        )
