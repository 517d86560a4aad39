"""Graders for topic 11: cancellation — cleanup, shield, graceful shutdown, nested timeouts.

Each call of the learner's code runs in a Task of its own, which a grader may cancel; the moment
it ends, and which records had ended by then, are noted before the loop turns again. The rules,
whatever the schedule:

- run_job: the connection is closed by an awaited close() that has ended by the time run_job
  returns or ends cancelled; cancelled, run_job stops its job at that moment and stays cancelled.
- save: a commit under way when save is cancelled runs on to its end, and save still ends
  cancelled; cancelled while preparing, save stops at once and commits nothing.
- shut_down: `stop` set at once; no worker cancelled before the grace period is over, none left
  running past it; every worker ended, cleanup included, when it returns, and it returns as soon
  as they have; the report says who finished and who was cancelled.
- run_steps: each step cancelled at its own deadline, counted None, the next started at once; at
  the total deadline the running step is cancelled, no other runs, and TimeoutError comes out.

Code that never ends is stopped after a budget of loop time (which costs nothing real) and told
what it was still waiting for. The inputs are drawn so that every seed has the moment that tells
right from wrong: a cancel in the middle of a job, of a commit, of a preparation; workers that stop
within the grace period and workers that never would; a step that runs out of its own time before
the total deadline, and the total deadline falling in the middle of a step that has time left.
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
from pathlib import Path
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from graders.harness import checks, timeline
from graders.harness.feedback import GraderFailure, fail, plural, seconds, shown
from graders.i18n import listed, sentences, tr
from graders.harness.made_tasks import RankedTask
from graders.harness.learner import Learner, Outcome
from graders.harness.probes import IN_LOOP_TIME, AsyncJob, Recorder, Span, loop_clock
from graders.harness.settle import natural

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]

TOLERANCE = checks.TOLERANCE
DURATIONS = [0.5 * k for k in range(1, 17)]  # 0.5 s to 8 s
CLEANUPS = [0.25, 0.5, 0.75, 1.0, 1.25, 1.5]  # how long a close() or a worker's cleanup takes
STOP_WITHIN = 60.0  # seconds of loop time past its last reason to run before a call counts as never ending


# Running the learner's call.


@dataclass
class Call:
    """One call of a learner's function, in a Task of its own.

    `row` is the call's own row on the timeline (x where it ended cancelled, ! where it raised);
    `ended_then` the records that had ended at the very moment the call ended, and `seen` what
    `look` returned then, both before any other Task moved.
    """

    name: str
    recorder: Recorder
    origin: float  # time zero of the timeline
    row: Span
    task: asyncio.Task[Outcome] | None = None
    ended_then: list[Span] = field(default_factory=list)
    seen: Any = None
    cancelling: int = 0  # cancellation requests of its Task still pending when the call ended, however it ended
    order: Callable[[Span], Any] = lambda s: (s.start, natural(s.label))  # of the records' rows on the timeline

    def at(self, moment: float) -> str:
        """A moment as the timeline shows it."""
        return seconds(moment - self.origin)

    def ended_by_then(self, span: Span) -> bool:
        return any(s is span for s in self.ended_then)

    async def wait(self, learner: Learner, budget: float) -> bool:
        """Whether the call ended within `budget` seconds of loop time from now."""
        assert self.task is not None
        await asyncio.wait({self.task}, timeout=budget)
        learner.check_not_blocked(self.name)
        return self.task.done()

    def outcome(self) -> Outcome | None:
        """What the call returned or raised, None if it ended cancelled. A grader's failure inside it (a TODO, a
        blocking call, a changed signature) goes on up from here."""
        assert self.task is not None
        return None if self.task.cancelled() else self.task.result()

    def chart(self) -> str:
        spans = sorted(self.recorder.spans, key=self.order)
        running = self.row.end is None or any(s.end is None for s in spans)
        return timeline.render([self.row, *spans], now=loop_clock() if running else None, origin=self.origin)


def start(learner: Learner, recorder: Recorder, name: str, *args: Any, origin: float | None = None,
          look: Callable[[], Any] = lambda: None) -> Call:
    """Start `name(*args)` in a Task of its own."""
    now = loop_clock()
    call = Call(name, recorder, now if origin is None else origin, Span(f"{name}()", now, threading.get_ident()))

    async def run() -> Outcome:
        task = asyncio.current_task()
        try:
            outcome = await learner.outcome(name, *args)
        except asyncio.CancelledError:
            call.row.state = "cancelled"
            raise
        except BaseException:
            call.row.state = "failed"
            raise
        finally:  # however it ended: cancellations the learner's code caught and never undid are still counted
            call.cancelling = task.cancelling() if task is not None else 0
        call.row.state = "failed" if outcome.error is not None else "done"
        return outcome

    async def noted() -> Outcome:
        try:
            return await run()
        finally:  # at the very moment the call ended, before any other Task moves
            call.row.end = loop_clock()
            call.ended_then = [s for s in recorder.spans if s.end is not None]
            call.seen = look()

    call.task = asyncio.create_task(noted())
    call.task.add_done_callback(_read)
    return call


def _read(task: asyncio.Task[Any]) -> None:
    """Marks what the call raised as read: a grader that fails for another reason first must not leave asyncio a
    "never retrieved" error to log on top of its message."""
    if not task.cancelled():
        task.exception()


def labels(spans: Sequence[Span]) -> str:
    return listed(s.label for s in spans)


def never_ended(call: Call, budget: float) -> None:
    """The call was still running after its budget, with nothing to wait for: a loop or an await that never ends."""
    __tracebackhide__ = True
    fail(
        tr("`{name}` was still running after {budget:g} s of loop time, so the grader stopped it.", name=call.name,
           budget=budget),
        observed=tr("it never finished: a loop that never ends, or an await on something that never happens."),
        timeline=call.chart(),
        advice=tr("Check every `while` loop has a way out, and every await has something that completes it."),
    )


def let_out(call: Call, *, observed: str | None = None, advice: str | None = None) -> None:
    """The call ended cancelled, though the grader did not cancel it: a CancelledError of its own came out."""
    __tracebackhide__ = True
    fail(
        tr("`{name}` raised CancelledError, though the grader never cancelled it.", name=call.name),
        observed=observed or tr("a CancelledError from inside came out of it."),
        timeline=call.chart(),
        advice=advice,
    )


async def cancel_at(learner: Learner, call: Call, moment: float, what: str) -> None:
    """Cancel the call at `moment` (loop time), once it is `what` ("in the middle of its job"). A call that
    ended before then is failed as `learner.call` would fail it."""
    __tracebackhide__ = True
    await asyncio.sleep(moment - loop_clock())
    learner.check_not_blocked(call.name)
    assert call.task is not None
    if call.task.done():
        outcome = call.outcome()  # a TODO fails here
        if outcome is None:
            let_out(call)
        assert outcome is not None
        if outcome.error is not None:
            learner.fail_raised(call.name, outcome.error)
        fail(
            tr("`{name}` returned {value} at {at}, before it was done.", name=call.name, value=shown(outcome.value),
               at=call.at(call.row.end or moment)),
            expected=tr("`{name}` still running at {at}, {what}.", name=call.name, at=call.at(moment), what=what),
            timeline=call.chart(),
        )
    call.task.cancel()


def never_called(call: Call, runs: Sequence[Span], what: str) -> None:
    """The call, cancelled while it should have been running `what`, had never run it."""
    __tracebackhide__ = True
    if not runs:
        fail(tr("`{name}` never called {what}.", name=call.name, what=what), timeline=call.chart())


async def until(moment: float) -> None:
    """Let the loop run until `moment`: work the call left running behind it ends meanwhile, for the chart to show."""
    await asyncio.sleep(max(moment - loop_clock(), 0))


# Advice texts are translated where they are used: the learner's language is known only then.
CANCEL_ADVICE = (
    "Do not catch CancelledError; use `finally:` for cleanup. If you must catch it, end the except block with a bare "
    "`raise`."
)
FINALLY_ADVICE = (
    "Close in a `finally:` block around the job: `try: return await job()` then `finally: await "
    "connection.close()`. It runs when the job returns, when it fails and when run_job is cancelled, and the job's "
    "error or the CancelledError goes on by itself once the block ends."
)
SHIELD_WHOLE_ADVICE = (
    "The work ran in a Task that the cancellation never reached: `asyncio.shield(...)` around the whole work (or a "
    "Task from asyncio.create_task that nothing cancels) means that cancelling, or a timeout, only stops the "
    "waiting, while the work runs on unseen. Shield only a short step that must never be cut in half, such as "
    "save's commit."
)
COMMIT_ADVICE = (
    "Protect the commit, and only the commit: `return await asyncio.shield(commit(value))`. The shield runs the "
    "commit in a Task of its own that the cancellation does not reach, while save gets its CancelledError at once."
)


# run_job


class Connection:
    """What run_job closes: `await connection.close()` takes a moment of loop time, recorded as "close()"."""

    def __init__(self, recorder: Recorder, seconds: float) -> None:
        self.close = recorder.job("close()", seconds)

    def __repr__(self) -> str:
        return "<connection>"


def closed_once(call: Call, connection: Connection, when: str) -> None:
    """run_job closed the connection once, with an awaited close() that had ended when run_job ended."""
    __tracebackhide__ = True
    recorder, label = call.recorder, connection.close.label
    made = recorder.created[label]
    closes = recorder.started(label)
    expected = tr("one `await connection.close()`, ended before run_job returns or ends cancelled.")
    if made == 0:
        fail(
            tr("`run_job` never closed the connection {when}.", when=when),
            observed=tr("connection.close() was never called: code after `await job()` does not run when run_job "
                        "is cancelled there.") if call.row.state == "cancelled"
            else tr("connection.close() was never called."),
            expected=expected,
            timeline=call.chart(),
            advice=tr(FINALLY_ADVICE),
        )
    if not closes:
        fail(
            tr("`run_job` called connection.close() but never awaited it."),
            observed=tr("connection.close() gives a coroutine, and a coroutine that nobody awaits never runs: the "
                        "connection stayed open."),
            expected=expected,
            timeline=call.chart(),
            advice=tr("Write `await connection.close()`: closing takes a moment, and run_job waits for it."),
            cause="close never awaited",
        )
    if made > 1:
        fail(
            tr("`run_job` closed the connection {times}.", times=plural(made, "time"), count=made),
            expected=expected,
            timeline=call.chart(),
            advice=tr(FINALLY_ADVICE),
        )
    close = closes[0]
    if close.state == "cancelled":
        fail(
            tr("`run_job` cut connection.close() short."),
            observed=tr("close() ran from {start} and was cancelled at {stop}, before the connection was closed: "
                        "something around it (a timeout, a cancel) stopped it.", start=call.at(close.start),
                        stop=call.at(close.end) if close.end is not None else "…"),
            expected=expected,
            timeline=call.chart(),
            advice=tr("Let the close run to its end: `await connection.close()`, with no timeout of its own around it. "
                      "A connection closed halfway is not closed."),
            cause="close cut short",
        )
    if not call.ended_by_then(close):
        fail(
            tr("`run_job` ended before connection.close() had finished."),
            observed=tr("run_job was over at {end}, while close() ran from {start} to {stop}: something started it "
                        "and did not wait for it.", end=call.at(call.row.end or 0), start=call.at(close.start),
                        stop=call.at(close.end) if close.end is not None else "…"),
            expected=expected,
            timeline=call.chart(),
            advice=tr("`await connection.close()` waits until the connection is closed. `asyncio.create_task(...)` "
                      "of it starts the close in a Task of its own and moves on at once."),
            cause="close not waited for",
        )


async def run_job_to_its_end(learner: Learner, rng: random.Random, fails: bool) -> tuple[Call, Connection, AsyncJob, Outcome]:
    """A call of run_job whose job runs to its end (its result, or JobFailed where `fails`), with a slow close on every
    draw (loop time costs nothing): a timeout of the learner's own around the close cuts it."""
    __tracebackhide__ = True
    recorder = Recorder()
    job = recorder.job(tr("job"), rng.choice(DURATIONS[:8]), rng.randint(100, 999), fails=fails)
    connection = Connection(recorder, 4 * rng.choice(CLEANUPS))
    call = start(learner, recorder, "run_job", job, connection)
    budget = job.seconds + connection.close.seconds + STOP_WITHIN
    if not await call.wait(learner, budget):
        never_ended(call, budget)
    await until(call.origin + job.seconds + 2 * connection.close.seconds)
    outcome = call.outcome()
    if outcome is None:
        let_out(call)
    assert outcome is not None
    return call, connection, job, outcome


async def test_run_job_returns_the_result_and_closes_the_connection(learner: Learner, rng: random.Random) -> None:
    call, connection, job, outcome = await run_job_to_its_end(learner, rng, fails=False)
    if outcome.error is not None:
        learner.fail_raised("run_job", outcome.error)
    if outcome.value != job.result:
        fail(tr("`{name}` returned {got}.", name="run_job", got=shown(outcome.value)),
             expected=tr("{result}, the job's result.", result=repr(job.result)), timeline=call.chart(),
             advice=tr(checks.NO_RETURN_ADVICE) if outcome.value is None else None)
    closed_once(call, connection, tr("after the job had finished"))
    # Then a job that fails, on every draw: its error reaches the caller (code that catches it to close the connection,
    # and returns, hides the failure), after the connection is closed (code that closes after `await job()` and on a
    # cancel alone leaks it).
    call, connection, job, outcome = await run_job_to_its_end(learner, rng, fails=True)
    if outcome.error is None:
        fail(tr("`run_job` returned {got} when its job raised JobFailed.", got=shown(outcome.value)),
             expected=tr("the job's JobFailed out of run_job: the caller must learn that the job failed."),
             timeline=call.chart(),
             advice=tr("Close the connection in `finally:` and catch nothing: the job's error then travels on to the "
                       "caller by itself, after the close. If you catch it, end the except block with a bare `raise`."))
    if repr(outcome.error) != repr(job.failure()):
        learner.fail_raised("run_job", outcome.error)
    closed_once(call, connection, tr("after the job had failed"))


async def test_run_job_closes_the_connection_and_stays_cancelled(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    job = recorder.job(tr("job"), rng.choice(DURATIONS[5:]), rng.randint(100, 999))  # 3 s to 8 s
    connection = Connection(recorder, rng.choice(CLEANUPS))
    moment = rng.choice([d + 0.25 for d in DURATIONS if d + 0.25 < job.seconds - 0.25])
    call = start(learner, recorder, "run_job", job, connection)
    cancelled = call.origin + moment
    await cancel_at(learner, call, cancelled, tr("in the middle of its job"))
    if not await call.wait(learner, STOP_WITHIN):
        fail(
            tr("`run_job` kept running after it was cancelled."),
            observed=tr("it was cancelled at {at}, in the middle of its job, and was still running {later} later: the "
                        "CancelledError was caught, and the code went on.", at=seconds(moment),
                        later=seconds(STOP_WITHIN)),
            expected=tr("the job cancelled at {at}, then `await connection.close()`, then run_job ending cancelled.",
                        at=seconds(moment)),
            timeline=call.chart(),
            advice=tr(CANCEL_ADVICE),
        )
    await until(call.origin + job.seconds + 2 * connection.close.seconds)  # what it let run on has ended by then
    runs = recorder.started(job.label)
    never_called(call, runs, "job()")
    first = runs[0]
    if first.state != "cancelled" or abs((first.end or 0) - cancelled) > TOLERANCE:
        blanks = {"at": seconds(moment), "ended": call.at(call.row.end or 0), "end": call.at(first.end or 0)}
        fail(
            tr("`run_job` was cancelled at {at}, but its job went on.", **blanks),
            observed=tr("run_job itself ended at {ended}, cancelled, while the job ran on to its end at {end}: the "
                        "cancellation stopped nothing.", **blanks) if call.row.state == "cancelled"
            else tr("the job ran on to its end at {end}.", **blanks),
            expected=tr("the job cancelled at {at}, then `await connection.close()`, then run_job ending cancelled.",
                        **blanks),
            timeline=call.chart(),
            advice=tr(SHIELD_WHOLE_ADVICE),
        )
    closed_once(call, connection, tr("when it was cancelled"))
    if call.task is not None and not call.task.cancelled():
        outcome = call.outcome()
        assert outcome is not None
        blanks = {"at": seconds(moment), "value": shown(outcome.value)}
        if outcome.error is not None:
            fail(
                tr("`run_job` raised {kind} when it was cancelled, instead of letting the cancellation through.",
                   kind=type(outcome.error).__name__),
                observed=tr("it was cancelled at {at}; on the way out its own code raised {kind}, which replaced the "
                            "CancelledError.", kind=type(outcome.error).__name__, **blanks),
                expected=tr("run_job ending cancelled, after close(): whoever cancelled it (a timeout, a shutdown) "
                            "waits for the CancelledError."),
                details=learner.format_error(outcome.error),
                advice=tr("Make the cleanup itself safe: an exception raised in `finally:` (or in an except block) "
                          "replaces the one that was on its way out."),
            )
        fail(
            tr("`run_job` swallowed the cancellation."),
            observed=tr("it was cancelled at {at}, caught the CancelledError, ran the job again and returned {value}.",
                        **blanks) if len(runs) > 1
            else tr("it was cancelled at {at} and returned {value}, as if nothing had happened.", **blanks),
            expected=tr("run_job ending cancelled, after close(): whoever cancelled it (a timeout, a shutdown) "
                        "waits for the CancelledError."),
            timeline=call.chart(),
            advice=tr(CANCEL_ADVICE),
        )


# save


@dataclass
class Commit:
    """`commit(value)` writes `value`: a coroutine, recorded as "commit", that returns the receipt."""

    job: AsyncJob
    values: list[Any] = field(default_factory=list)

    def function(self) -> Callable[[Any], Coroutine[Any, Any, Any]]:
        def commit(value: Any) -> Coroutine[Any, Any, Any]:  # a plain function, so a wrong call reads "commit() ..."
            self.values.append(value)
            return self.job()
        return commit


def saving(rng: random.Random, recorder: Recorder, preparing: Sequence[float], committing: Sequence[float]
           ) -> tuple[AsyncJob, Commit]:
    value, receipt = rng.sample(range(100, 1000), 2)
    prepare = recorder.job("prepare()", rng.choice(preparing), value)
    return prepare, Commit(recorder.job("commit()", rng.choice(committing), receipt))


async def test_save_lets_a_started_commit_finish(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    prepare, commit = saving(rng, recorder, DURATIONS[:6], DURATIONS[1:6])
    call = start(learner, recorder, "save", prepare, commit.function())
    budget = prepare.seconds + commit.job.seconds + STOP_WITHIN
    if not await call.wait(learner, budget):
        never_ended(call, budget)
    outcome = call.outcome()
    if outcome is None:
        let_out(call)
    assert outcome is not None
    if outcome.error is not None:
        learner.fail_raised("save", outcome.error)
    blanks = {"value": repr(prepare.result), "receipt": repr(commit.job.result), "got": shown(outcome.value)}
    if commit.values != [prepare.result]:
        fail(
            tr("`save` never committed: it returned {got} without calling commit().", **blanks) if not commit.values
            else tr("`save` committed {values}.", values=shown(commit.values), **blanks),
            expected=tr("one `await commit(value)`, with {value}, the value prepare() gave.", **blanks),
            timeline=call.chart(),
        )
    if outcome.value != commit.job.result:
        fail(tr("`{name}` returned {got}.", name="save", **blanks),
             expected=tr("{receipt}, the receipt the commit gave.", **blanks), timeline=call.chart(),
             advice=tr(checks.NO_RETURN_ADVICE) if outcome.value is None else None)

    recorder = Recorder()  # now cancelled in the middle of the commit
    prepare, commit = saving(rng, recorder, DURATIONS[:6], DURATIONS[2:8])
    into = rng.choice([d + 0.25 for d in DURATIONS if d + 0.25 < commit.job.seconds - 0.25])
    call = start(learner, recorder, "save", prepare, commit.function())
    cancelled = call.origin + prepare.seconds + into
    await cancel_at(learner, call, cancelled, tr("in the middle of the commit"))
    if not await call.wait(learner, commit.job.seconds + STOP_WITHIN):
        never_ended(call, commit.job.seconds + STOP_WITHIN)
    await until(call.origin + prepare.seconds + 2 * commit.job.seconds)
    runs = recorder.started(commit.job.label)
    blanks = {"at": call.at(cancelled), "into": seconds(into), "end": call.at(cancelled - into + commit.job.seconds)}
    if runs and runs[0].state == "cancelled":
        fail(
            tr("`save` let the cancellation cut the commit in half."),
            observed=tr("save was cancelled at {at}, {into} into the commit, and the commit was cancelled with it, "
                        "half written.", **blanks),
            expected=tr("the commit running on to its end at {end} (no x on its row), and save ending cancelled.",
                        **blanks),
            timeline=call.chart(),
            advice=tr(COMMIT_ADVICE),
        )
    if call.task is not None and not call.task.cancelled():
        outcome = call.outcome()
        assert outcome is not None
        if outcome.error is not None:
            learner.fail_raised("save", outcome.error)
        fail(
            tr("`save` swallowed the cancellation: it returned {got}.", got=shown(outcome.value)),
            observed=tr("save was cancelled at {at}, {into} into the commit, and returned the receipt at {ended}, as "
                        "if nothing had happened.", ended=call.at(call.row.end or 0), **blanks),
            expected=tr("the commit running on to its end, and save ending cancelled: the caller that cancelled it "
                        "waits for the CancelledError, not for a receipt."),
            timeline=call.chart(),
            advice=tr("`await asyncio.shield(...)` raises CancelledError in save at once, while the commit goes on. "
                      "If you catch it to wait for the commit, end the except block with a bare `raise`."),
        )


async def test_save_stops_at_once_when_cancelled_before_the_commit(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    prepare, commit = saving(rng, recorder, DURATIONS[3:10], DURATIONS[:6])  # preparing takes 2 s to 5 s
    moment = rng.choice([d + 0.25 for d in DURATIONS if d + 0.25 < prepare.seconds - 0.25])
    call = start(learner, recorder, "save", prepare, commit.function())
    cancelled = call.origin + moment
    await cancel_at(learner, call, cancelled, tr("in the middle of prepare()"))
    if not await call.wait(learner, STOP_WITHIN):
        never_ended(call, STOP_WITHIN)
    await until(call.origin + prepare.seconds + 2 * commit.job.seconds)
    runs = recorder.started(prepare.label)
    never_called(call, runs, "prepare()")
    first = runs[0]
    blanks = {"at": seconds(moment), "ended": call.at(call.row.end or 0), "end": call.at(first.end or 0)}
    went_on = first.state != "cancelled" or abs((first.end or 0) - cancelled) > TOLERANCE
    if went_on or commit.values:
        if went_on:
            observed = (tr("save ended at {ended}, cancelled, yet prepare() ran on to its end at {end}, and the commit "
                           "ran after it: the cancellation stopped nothing.", **blanks) if commit.values
                        else tr("prepare() ran on to its end at {end}.", **blanks))
        else:
            observed = tr("prepare() was cancelled at {at}, yet save committed all the same.", **blanks)
        fail(
            tr("`save` was cancelled at {at}, while preparing, but went on.", **blanks),
            observed=observed,
            expected=tr("prepare() cancelled at {at}, no commit, and save ending cancelled.", **blanks),
            timeline=call.chart(),
            advice=tr(SHIELD_WHOLE_ADVICE) if went_on else tr(CANCEL_ADVICE),
        )
    if call.task is not None and not call.task.cancelled():
        outcome = call.outcome()
        assert outcome is not None
        if outcome.error is not None:
            learner.fail_raised("save", outcome.error)
        fail(
            tr("`save` swallowed the cancellation: it returned {got}.", got=shown(outcome.value)),
            observed=tr("it was cancelled at {at}, while preparing, and returned {value}, as if nothing had "
                        "happened.", value=shown(outcome.value), **blanks),
            expected=tr("prepare() cancelled at {at}, no commit, and save ending cancelled.", **blanks),
            timeline=call.chart(),
            advice=tr(CANCEL_ADVICE),
        )


# shut_down


PIECE = 0.5  # a worker that is not asked to stop goes on with pieces of work this long


class Stop(asyncio.Event):
    """The `stop` event handed to shut_down; it notes when it was first set."""

    def __init__(self) -> None:
        super().__init__()
        self.set_at: float | None = None

    def set(self) -> None:
        if self.set_at is None:
            self.set_at = loop_clock()
        super().set()


@dataclass
class Worker:
    """A worker of the service. It works in pieces and looks at `stop` between them; on its way out, however it
    ends, it tidies up (`cleanup` seconds, its own row on the timeline).

    `busy` is how long the piece it is on when the shutdown begins lasts, from its start; a `stuck` worker, after
    that piece, waits for work that never comes and never looks at `stop` again."""

    recorder: Recorder
    label: str
    busy: float
    cleanup: float
    stuck: bool = False
    cleanup_label: str = ""

    def __post_init__(self) -> None:
        self.cleanup_label = tr("{label} cleanup", label=self.label)  # now: its Task should not read the catalog

    async def run(self, stop: asyncio.Event) -> None:
        try:
            with self.recorder.span(self.label):
                await asyncio.sleep(self.busy)
                if self.stuck:
                    await asyncio.Event().wait()
                while not stop.is_set():
                    await asyncio.sleep(PIECE)
        finally:
            with self.recorder.span(self.cleanup_label):
                await asyncio.sleep(self.cleanup)


@dataclass
class Service:
    """Workers, of which those in `quick` stop on their own within the grace period once asked, cleanup included;
    the others would not (a long piece of work, or stuck). The shutdown begins `lead` seconds after they start."""

    recorder: Recorder
    workers: list[Worker]
    quick: set[int]
    grace: float
    lead: float
    stop: Stop = field(default_factory=Stop)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    ends: dict[int, float] = field(default_factory=dict)  # when each worker's Task ended
    origin: float = 0.0
    began: float = 0.0  # when shut_down was called
    naps: list[float] = field(default_factory=list)  # when the learner's code, seen asleep in asyncio.sleep, was to wake

    @property
    def deadline(self) -> float:
        return self.began + self.grace

    def work(self, i: int) -> Span:
        return self.recorder.started(self.workers[i].label)[0]

    def report(self) -> tuple[list[int], list[int]]:
        return sorted(self.quick), [i for i in range(len(self.workers)) if i not in self.quick]


def service(rng: random.Random, kinds: Sequence[str], grace: float | None = None) -> Service:
    """A service with a worker of each kind in `kinds` ("quick", "slow" or "stuck"), in a shuffled order, and a grace
    period of `grace` (drawn, if not given; a quick worker needs one of 1 s or more).

    The stuck worker's cleanup outlasts the grace period: a wait for the cancelled workers bounded by any
    small time of its own (a second, `grace`) returns before it ends."""
    recorder = Recorder()
    grace = rng.choice([2.0, 2.5, 3.0, 3.5, 4.0]) if grace is None else grace
    lead = rng.choice([0.5, 1.0, 1.5])
    order = list(kinds)
    rng.shuffle(order)
    workers, quick = [], set()
    for i, kind in enumerate(order):
        label = tr("worker {i}", i=i)
        if kind == "quick":  # it stops, cleanup included, at least 0.25 s before the grace period ends
            stops = rng.choice([0.25 * k for k in range(1, int(grace / 0.25) - 1)])
            cleanup = rng.choice([c for c in CLEANUPS if stops + c <= grace - 0.25])
            workers.append(Worker(recorder, label, lead + stops, cleanup))
            quick.add(i)
        elif kind == "slow":  # its piece of work runs on long past the grace period
            workers.append(Worker(recorder, label, lead + grace + rng.choice([1.5, 2.5, 4.0, 6.5]), rng.choice(CLEANUPS)))
        else:
            # Its cleanup takes several grace periods more: a cap on the wait for it (three grace periods, ten
            # seconds) cuts it short on every draw.
            workers.append(Worker(recorder, label, rng.choice([0.25, 0.5]), 5 * grace + rng.choice([1.5, 2.5, 3.5]),
                                  stuck=True))
    return Service(recorder, workers, quick, grace, lead)


def plural_workers(spans: Sequence[Span]) -> str:
    return plural(len(spans), "worker")


def asleep(learner: Learner, svc: Service) -> None:
    """Note when each Task of the learner's code now asleep in `asyncio.sleep` is to wake (`svc.naps`): code that
    sleeps and looks again wakes before the deadline, at moments no worker explains; `asyncio.sleep(grace)` at it."""
    now = loop_clock()
    for task in asyncio.all_tasks():
        if any(task is t for t in svc.tasks):
            continue
        frames, coro = [], task.get_coro()  # the chain of coroutines it awaits, outermost first
        while coro is not None and getattr(coro, "cr_frame", None) is not None and len(frames) < 40:
            frames.append(coro.cr_frame)
            coro = coro.cr_await
        innermost = frames[-1].f_code if frames else None
        if innermost is None or innermost.co_name != "sleep" or Path(innermost.co_filename).name != "tasks.py":
            continue
        if not any(Path(f.f_code.co_filename) == learner.path for f in frames):
            continue
        handle = frames[-1].f_locals.get("h")  # asyncio.sleep's timer
        if isinstance(handle, asyncio.TimerHandle) and handle.when() > now + TOLERANCE:
            svc.naps.append(handle.when())


async def shutting_down(learner: Learner, svc: Service) -> tuple[Call, bool]:
    """Start the workers, call shut_down `lead` seconds later, and wait for it (within a budget). Whenever a worker
    ends, and a moment after the call begins, note how the learner's code waits (`asleep`)."""
    svc.origin = loop_clock()
    assert len(svc.workers) <= 7
    for i, worker in enumerate(svc.workers):
        # Hashed by position, last first: a set of workers (asyncio.wait's `done` and `pending`) lists them from the
        # last to the first, whatever their addresses, so a report read off such a set is out of order on every run.
        task = RankedTask(worker.run(svc.stop), loop=asyncio.get_running_loop(), name=worker.label, rank=7 - i)
        task.add_done_callback(lambda _, i=i: svc.ends.setdefault(i, loop_clock()))
        task.add_done_callback(lambda _: asleep(learner, svc))
        svc.tasks.append(task)
    await asyncio.sleep(svc.lead)
    svc.began = loop_clock()
    asyncio.get_running_loop().call_at(svc.began + 1 / 16, asleep, learner, svc)
    call = start(learner, svc.recorder, "shut_down", list(svc.tasks), svc.stop, svc.grace, origin=svc.origin,
                 look=lambda: [task.done() for task in svc.tasks])
    call.order = lambda s: natural(s.label)  # each worker above its cleanup
    ended = await call.wait(learner, svc.grace + max(w.cleanup for w in svc.workers) + STOP_WITHIN)
    if ended:
        await until(loop_clock() + max(w.cleanup for w in svc.workers) + PIECE)  # cleanups it left behind end meanwhile
    return call, ended


async def let_go(svc: Service, call: Call) -> None:
    """End what is left of the service and the call once the grader has judged."""
    left = [t for t in [*svc.tasks, call.task] if t is not None and not t.done()]
    for task in left:
        task.cancel()
    if left:
        await asyncio.wait(left, timeout=STOP_WITHIN)


def judge_shutdown(learner: Learner, svc: Service, call: Call, ended: bool,
                   earlier: tuple[list[int], list[int]] | None = None) -> None:
    """Every rule of a graceful shutdown, in the order that tells the first mistake. `earlier` is the report of a
    first call of shut_down (on another service) when this is the second."""
    __tracebackhide__ = True
    at = call.at
    blanks: dict[str, Any] = {"grace": seconds(svc.grace), "began": at(svc.began), "deadline": at(svc.deadline)}
    workers = range(len(svc.workers))
    if ended and call.task is not None and call.task.cancelled():
        cancelled = [svc.work(i) for i in workers if svc.work(i).state == "cancelled"]
        if len(cancelled) == 1:
            observed = tr("it cancelled {labels} and then awaited it: awaiting a cancelled Task raises its "
                          "CancelledError, and that came out of shut_down.", labels=labels(cancelled))
        elif cancelled:
            observed = tr("it cancelled {labels} and then awaited them: awaiting a cancelled Task raises its "
                          "CancelledError, and that came out of shut_down.", labels=labels(cancelled))
        let_out(
            call,
            observed=observed if cancelled else None,
            advice=tr("Wait for cancelled Tasks with `await asyncio.wait(pending)`, or with `await asyncio.gather("
                      "*pending, return_exceptions=True)`: both wait without raising their CancelledErrors."),
        )
    if ended:
        outcome = call.outcome()
        assert outcome is not None
        if outcome.error is not None:
            learner.fail_raised("shut_down", outcome.error)
    quick = [svc.work(i) for i in sorted(svc.quick)]
    if svc.stop.set_at is None or svc.stop.set_at > svc.began + TOLERANCE:
        fail(
            tr("`shut_down` never asked the workers to stop: `stop` was never set.") if svc.stop.set_at is None
            else tr("`shut_down` set `stop` only at {at}, {after} after it began at {began}.",
                    at=at(svc.stop.set_at), after=seconds(svc.stop.set_at - svc.began), **blanks),
            observed=tr("the workers stop on their own only once `stop` is set; until then even {labels}, which would "
                        "have stopped within the grace period, went on working.", labels=labels(quick)) if quick
            else tr("the workers stop on their own only once `stop` is set: a worker that notices it in time ends "
                    "without being cancelled."),
            expected=tr("`stop.set()` at {began}, as the shutdown begins; then up to {grace}, until {deadline}, for "
                        "the workers to end.", **blanks),
            timeline=call.chart(),
            advice=tr("Call `stop.set()` first: that is how the workers are asked to stop. Cancelling is for those "
                      "still running when the grace period is over."),
        )
    if not ended:
        running = [svc.work(i) for i in workers if svc.work(i).end is None]
        fail(
            tr("`shut_down` never returned: it waited for {labels}, which never stopped.", labels=labels(running)),
            observed=tr("`stop` was set at {began}; {labels} had not stopped {later} after the grace period ended at "
                        "{deadline}, and nothing cancelled it. A worker in a long piece of work, or stuck waiting "
                        "for work, does not look at `stop`.", labels=labels(running), later=seconds(STOP_WITHIN),
                        **blanks) if len(running) == 1
            else tr("`stop` was set at {began}; {labels} had not stopped {later} after the grace period ended at "
                    "{deadline}, and nothing cancelled them. A worker in a long piece of work, or stuck waiting "
                    "for work, does not look at `stop`.", labels=labels(running), later=seconds(STOP_WITHIN),
                    **blanks),
            expected=tr("at {deadline}, the end of the grace period, every worker still running cancelled; "
                        "shut_down returning once their cleanup has run.", **blanks),
            timeline=call.chart(),
            advice=tr("Wait with a deadline: `done, pending = await asyncio.wait(tasks, timeout=grace)`, then cancel "
                      "each Task in `pending` and wait for those. Waiting for every worker without a deadline "
                      "(`await asyncio.gather(*tasks)`, or each Task in turn) waits as long as the slowest, forever "
                      "for one that never stops."),
        )
    early = [svc.work(i) for i in workers
             if svc.work(i).state == "cancelled" and (svc.work(i).end or 0) < svc.deadline - TOLERANCE]
    if early:
        would = [s for s in early if any(s is q for q in quick)]
        observed = tr("{labels} cancelled at {at}, before the grace period ended at {deadline}.", labels=labels(early),
                      at=at(min(s.end or 0 for s in early)), **blanks)
        if would:
            observed = sentences(observed, tr("{labels} would have stopped on its own before then.",
                                              labels=labels(would)) if len(would) == 1
                                 else tr("{labels} would have stopped on their own before then.",
                                         labels=labels(would)))
        fail(
            tr("`shut_down` cancelled {workers} before the {grace} grace period was over.",
               workers=plural_workers(early), count=len(early), **blanks),
            observed=observed,
            expected=tr("the workers asked to stop, then given until {deadline} to end on their own; only those "
                        "still running then cancelled.", **blanks),
            timeline=call.chart(),
            # Cancelled a while after the stop, yet before the grace was up: the wait ended early, not at once.
            advice=tr("The wait before the cancel ended before the grace period did (one with `return_when="
                      "asyncio.FIRST_COMPLETED`, for instance, returns as soon as one worker ends). Wait for all of "
                      "them, up to `grace` seconds: `done, pending = await asyncio.wait(tasks, timeout=grace)`, then "
                      "cancel what is pending.")
            if svc.stop.set_at is not None and min(s.end or 0 for s in early) > svc.stop.set_at + TOLERANCE
            else tr("Cancelling at once gives no worker the chance to finish its piece of work and stop cleanly. "
                    "Wait up to `grace` seconds first: `done, pending = await asyncio.wait(tasks, timeout=grace)`, "
                    "then cancel what is pending."),
        )
    late = [svc.work(i) for i in workers
            if svc.work(i).start < svc.deadline and (svc.work(i).end is None or svc.work(i).end > svc.deadline + TOLERANCE)]
    if late:
        left = [s for s in late if not call.ended_by_then(s)]
        if left:
            observed = (tr("{labels} still running when shut_down returned at {returned}: nothing cancelled it.",
                           labels=labels(left), returned=at(call.row.end or 0)) if len(left) == 1
                        else tr("{labels} still running when shut_down returned at {returned}: nothing cancelled "
                                "them.", labels=labels(left), returned=at(call.row.end or 0)))
            advice = left_advice(learner)
        else:
            cancelled = [s for s in late if s.state == "cancelled"]
            ran_on = [s for s in late if s.state != "cancelled"]
            told = [tr("{labels} cancelled only at {at}, {after} after the grace period had ended.",
                       labels=labels(cancelled), at=at(max(s.end or 0 for s in cancelled)),
                       after=seconds(max(s.end or 0 for s in cancelled) - svc.deadline))] if cancelled else []
            told += [tr("{labels} ran on past the end of the grace period, to the end of a long piece of work at {at}.",
                        labels=labels(ran_on), at=at(max(s.end or 0 for s in ran_on)))] if ran_on else []
            observed = sentences(told[0], told[1] if len(told) > 1 else "")
            advice = tr("The grace period is one deadline for all the workers, `grace` seconds after shut_down "
                        "begins: wait for all of them together (`asyncio.wait(tasks, timeout=grace)`), then cancel "
                        "every worker still running. Waiting for each worker in turn, each with its own timeout, "
                        "gives each a new grace period.")
        fail(
            tr("`shut_down` let {workers} run past the {grace} grace period.", workers=plural_workers(late),
               count=len(late), **blanks),
            observed=observed,
            expected=tr("every worker still running at {deadline}, the end of the grace period, cancelled then.",
                        **blanks),
            timeline=call.chart(),
            advice=advice,
        )
    unended = [i for i in workers if not call.seen[i]]
    if unended:
        spans = [svc.work(i) for i in unended]
        stopped = [s for s in spans if s.state == "cancelled"]
        cancelled_at = max((s.end for s in stopped if s.end is not None), default=None)  # the last cancel
        blanks |= {"labels": labels(spans), "returned": at(call.row.end or 0), "workers": plural_workers(spans),
                   "count": len(spans), "end": at(max(svc.ends.get(i, loop_clock()) for i in unended))}
        if len(stopped) == len(spans):
            observed = (tr("{labels} had been cancelled, but its cleanup ran until {end}, after shut_down had returned "
                           "at {returned}.", **blanks) if len(spans) == 1
                        else tr("{labels} had been cancelled, but their cleanup ran until {end}, after shut_down had "
                                "returned at {returned}.", **blanks))
        else:
            observed = (tr("{labels} was still at work when shut_down returned at {returned}; it ended at {end}.",
                           **blanks) if len(spans) == 1
                        else tr("{labels} were still at work when shut_down returned at {returned}; they ended at {end}.",
                                **blanks))
        fail(
            tr("`shut_down` returned before {workers} had ended.", **blanks),
            observed=observed,
            expected=tr("shut_down returning once every worker has ended, cleanup included: nothing of the service "
                        "still running after it."),
            timeline=call.chart(),
            advice=tr("shut_down waited {waited} after cancelling, then gave up while a cleanup was still running. "
                      "A cleanup takes as long as it takes: wait for the cancelled Tasks with no timeout, `await "
                      "asyncio.wait(pending)` (or `await asyncio.gather(*pending, return_exceptions=True)`).",
                      waited=seconds((call.row.end or 0) - cancelled_at))
            if stopped and cancelled_at is not None and (call.row.end or 0) > cancelled_at + TOLERANCE
            else tr("`task.cancel()` only asks a Task to stop: it ends once its cleanup has run. Wait for the "
                      "cancelled Tasks to end: `await asyncio.wait(pending)` (or `await asyncio.gather(*pending, "
                      "return_exceptions=True)`).") if stopped
            else tr("Wait for the workers, up to `grace` seconds, before returning: `await asyncio.wait(tasks, "
                    "timeout=grace)`."),
        )
    cut = [(w, s) for w in svc.workers for s in svc.recorder.started(w.cleanup_label) if s.state == "cancelled"]
    if cut:
        fail(
            tr("`shut_down` cut short the cleanup of {labels}.", labels=listed(w.label for w, _ in cut)),
            observed=tr("{label}, cancelled at {at}, was cancelled again at {again}, in the middle of its cleanup.",
                        label=cut[0][0].label, at=at(cut[0][1].start), again=at(cut[0][1].end or 0)),
            expected=tr("each worker still running at {deadline} cancelled once, then given the time its cleanup "
                        "takes.", **blanks),
            timeline=call.chart(),
            advice=tr("Cancel each worker once, then wait for it without a deadline: its cleanup is short, and "
                      "another cancel (or a timeout around the wait) interrupts it."),
        )
    last = max(svc.ends.values())
    if (call.row.end or 0) > last + TOLERANCE:
        fail(
            tr("`shut_down` returned at {returned}, {after} after the last worker had ended.",
               returned=at(call.row.end or 0), after=seconds((call.row.end or 0) - last)),
            observed=tr("every worker had ended by {end}; shut_down went on waiting until {returned}.", end=at(last),
                        returned=at(call.row.end or 0)),
            expected=tr("shut_down returning as soon as every worker has ended: the grace period is the longest it "
                        "may wait, not how long it must."),
            timeline=call.chart(),
            advice=tr("`asyncio.wait(tasks, timeout=grace)` returns as soon as every Task is done, or at the "
                      "deadline, whichever comes first; `asyncio.sleep(grace)` always waits the whole grace period.")
            # At the deadline, and never seen asleep to wake before it: one sleep of the whole grace period. Seen to
            # wake sooner, the code was looking again and again, and its last look fell on the deadline.
            if abs((call.row.end or 0) - svc.deadline) <= TOLERANCE
            and not any(svc.began < nap < svc.deadline - TOLERANCE for nap in svc.naps)
            else tr("Wait on the Tasks themselves, not on the clock: `asyncio.wait(tasks, timeout=grace)` returns "
                    "the moment the last of them ends. Code that sleeps and looks again (`while ...: await "
                    "asyncio.sleep(...)`) sees the end only at its next look."),
        )
    outcome = call.outcome()
    assert outcome is not None
    value, (finished, cancelled) = outcome.value, svc.report()
    expected = tr("{report}: the positions of the workers that ended on their own, then of those that were "
                  "cancelled, each in increasing order.", report=repr((finished, cancelled)))
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, (list, tuple)) for v in value)):
        fail(tr("`shut_down` returned {got}, not two lists.", got=shown(value)), expected=expected,
             timeline=call.chart(), advice=tr(checks.NO_RETURN_ADVICE) if value is None else None)
    if any(isinstance(item, asyncio.Task) for part in value for item in part):
        fail(tr("`shut_down` reported Tasks instead of their positions in `tasks`."), observed=shown(value),
             expected=expected, advice=tr("Report each worker by its place in `tasks`: `for i, task in "
                                          "enumerate(tasks)`."))
    if [list(part) for part in value] == [finished, cancelled]:
        return
    if [sorted(part) for part in value] == [finished, cancelled]:
        fail(tr("`shut_down` reported the right workers, but not in increasing order: it returned {got}.",
                got=shown(value)), expected=expected,
             advice=tr("A set (such as the `done` and `pending` of asyncio.wait) has no order of its own: go through "
                       "`tasks` in order, `for i, task in enumerate(tasks)`, or sort each list."))
    if earlier is not None and sum(len(part) for part in value) > len(svc.workers):
        fail(tr("`shut_down` returned {got} when called a second time, on another service.", got=shown(value)),
             observed=tr("the first call's report, {first}, was right; the second one also holds positions from the "
                         "first call: something was kept between the calls.", first=repr(earlier)),
             expected=expected, timeline=call.chart(),
             advice=tr("Make the report's lists inside shut_down, fresh for each call. A list at module level, or a "
                       "mutable default argument (`finished=[]`), is shared by every call and grows with each."))
    # Which workers it put on the wrong side: said as the timeline shows them.
    wrongly_finished = [tr("worker {i}", i=i) for i in sorted({i for i in value[0] if isinstance(i, int)} & set(cancelled))]
    wrongly_cancelled = [tr("worker {i}", i=i) for i in sorted({i for i in value[1] if isinstance(i, int)} & set(finished))]
    told = [
        tr("it reported {workers} as ended on their own, but they ended cancelled (the x on the timeline).",
           workers=listed(wrongly_finished)) if len(wrongly_finished) > 1
        else tr("it reported {workers} as ended on its own, but it ended cancelled (the x on the timeline).",
                workers=wrongly_finished[0]) if wrongly_finished else "",
        tr("it reported {workers} as cancelled, but they ended on their own.", workers=listed(wrongly_cancelled))
        if len(wrongly_cancelled) > 1
        else tr("it reported {workers} as cancelled, but it ended on its own.", workers=wrongly_cancelled[0])
        if wrongly_cancelled else "",
    ]
    told = [t for t in told if t]
    fail(tr("`{name}` returned {got}.", name="shut_down", got=shown(value)),
         observed=sentences(*told) if len(told) == 2 else told[0] if told else None,
         expected=expected, timeline=call.chart(),
         advice=tr("A Task that was cancelled says so: `task.cancelled()` is True once it has ended cancelled. "
                   "Ask each Task once they have all ended."))


def left_advice(learner: Learner) -> str:
    """What to try when workers ran on past the grace period and nothing cancelled them: about the call that waited
    with the deadline, when the code shows which one."""
    names = learner.names_reached("shut_down")
    if "as_completed" in names:
        return sentences(
            tr("`asyncio.as_completed(tasks, timeout=grace)` raises TimeoutError at the deadline; it cancels nothing. "
               "Where you catch that TimeoutError, cancel each Task still running, then wait for them to end."),
            tr("An `except Exception:` catches it too (TimeoutError is an Exception): keep such a handler away from "
               "the await that raises it, or the deadline passes unnoticed.") if "Exception" in names else "")
    if "wait" in names:
        return tr("`asyncio.wait(tasks, timeout=grace)` only stops waiting at the deadline; it cancels nothing. "
                  "Cancel each Task in `pending`, then wait for them to end.")
    return tr("Waiting with a deadline only stops the wait; it cancels nothing. At the end of the grace period, "
              "cancel each Task still running (`task.cancel()`), then wait for them to end.")


async def test_shut_down_cancels_what_outlasts_the_grace_period(learner: Learner, rng: random.Random) -> None:
    svc = service(rng, ["quick", "slow", "stuck", *rng.choices(["quick", "slow"], k=rng.randint(1, 2))])
    call, ended = await shutting_down(learner, svc)
    try:
        judge_shutdown(learner, svc, call, ended)
    finally:
        await let_go(svc, call)
    # Once more, on another service in the same module: a report kept between calls shows only now.
    again = service(rng, ["quick", "slow", "stuck", *rng.choices(["quick", "slow"], k=rng.randint(1, 2))])
    call, ended = await shutting_down(learner, again)
    try:
        judge_shutdown(learner, again, call, ended, earlier=svc.report())
    finally:
        await let_go(again, call)
    # And a grace period of 0, on every draw: no time at all, so every worker still at work is cancelled at once
    # (`grace or None` waits for ever instead, for a worker that never notices the stop).
    none = service(rng, ["slow", "stuck", *rng.choices(["slow", "stuck"], k=rng.randint(0, 1))], grace=0)
    call, ended = await shutting_down(learner, none)
    try:
        judge_shutdown(learner, none, call, ended)
    except GraderFailure as failure:
        failure.observed = sentences(failure.observed or "", tr("This was a call with a grace period of 0."))
        if not ended:
            failure.advice = tr("A grace period of 0 leaves no time at all: pass it on as it is, "
                                "`asyncio.wait(tasks, timeout=grace)`, which then returns at once with every worker "
                                "still running in `pending`. `grace or None` (or `if not grace:`) turns 0 into a wait "
                                "for ever.")
        raise
    finally:
        await let_go(none, call)


async def test_shut_down_returns_once_every_worker_has_stopped(learner: Learner, rng: random.Random) -> None:
    svc = service(rng, ["quick"] * rng.randint(3, 4))
    # The last worker ends an odd number of eighths of a second after shut_down begins, still 1/8 s or more within
    # the grace period: code that looks every 0.1 s, 0.25 s, 0.5 s or 1 s (never waiting on the Tasks) sees it late.
    last = max(svc.workers, key=lambda w: w.busy + w.cleanup)
    last.cleanup += 0.125
    call, ended = await shutting_down(learner, svc)
    try:
        judge_shutdown(learner, svc, call, ended)
    finally:
        await let_go(svc, call)


# run_steps


STEP_TIMEOUTS = [1.25, 1.75, 2.25, 2.75]
CAUGHT_TOTAL_ADVICE = (
    "The total deadline's cancellation was caught inside the loop, and the loop went on. Catch only TimeoutError around "
    "a step, never CancelledError (nor BaseException): the CancelledError of the outer timeout must get out of the loop, "
    "where that timeout turns it into TimeoutError."
)
TOTAL_ADVICE = (
    "Nest the two deadlines: one `async with asyncio.timeout(total_timeout):` around the whole loop, and inside "
    "it, for each step, `try:` / `async with asyncio.timeout(step_timeout):` / `await step()` / `except "
    "TimeoutError:`. The inner one's TimeoutError is caught right there; the outer one's comes out of the `async "
    "with` around the loop, where nothing catches it."
)


STEP_CLEANUPS = [0.25, 0.5]  # how long a cancelled step tidies up; less than any step's own time left at the total deadline


class Step(AsyncJob):
    """A step of run_steps: `await step()` takes `seconds` and returns `result`. Cancelled, it tidies up for
    `cleanup` seconds (its own row, "step 1 cleanup") before the CancelledError goes on: code that cancels a step
    and moves on without awaiting it starts the next step, or returns, while that cleanup still runs."""

    def __init__(self, recorder: Recorder, label: str, seconds: float, result: Any, cleanup: float) -> None:
        super().__init__(recorder, label, seconds, result, False)
        self.cleanup = cleanup
        self.cleanup_label = tr("{label} cleanup", label=label)

    async def _run(self) -> Any:
        try:
            return await super()._run()
        except asyncio.CancelledError:
            with self.recorder.span(self.cleanup_label):
                await asyncio.sleep(self.cleanup)
            raise

    def cleanups(self) -> list[Span]:
        return self.recorder.started(self.cleanup_label)

    def took(self, step_timeout: float) -> float:
        """How long the step takes in a right answer, its cleanup included if it runs out of its own time."""
        return self.seconds if self.seconds < step_timeout else step_timeout + self.cleanup


def steps(rng: random.Random, recorder: Recorder, step_timeout: float, kinds: Sequence[str]) -> list[Step]:
    """Steps that run out of their own time ("long") or finish within it ("short")."""
    shorter = [d for d in DURATIONS if d < step_timeout]
    longer = [d for d in DURATIONS if step_timeout < d <= step_timeout + 3]
    return [Step(recorder, tr("step {i}", i=i), rng.choice(longer if kind == "long" else shorter),
                 rng.randint(100, 999), rng.choice(STEP_CLEANUPS))
            for i, kind in enumerate(kinds)]


def is_cleanup(span: Span, jobs: Sequence[Step]) -> bool:
    return any(span.label == job.cleanup_label for job in jobs)


def kinds_with_a_long_one_first(rng: random.Random, count: int) -> list[str]:
    """`count` step kinds with a "long" step, and a "short" one after it."""
    kinds = rng.choices(["short", "long"], k=count)
    at = rng.randrange(count - 1)
    kinds[at], kinds[rng.randrange(at + 1, count)] = "long", "short"
    return kinds


def escaped_step_timeout(learner: Learner, call: Call, jobs: Sequence[Step], step_timeout: float,
                         error: BaseException) -> None:
    """A TimeoutError that came out at a step's own deadline is told as such; any other error as it is."""
    __tracebackhide__ = True
    ran = [job for job in jobs if call.recorder.started(job.label)]
    if isinstance(error, TimeoutError) and ran:
        job = ran[-1]  # the last step that ran
        runs = call.recorder.started(job.label)
        if runs[0].state == "cancelled" and abs((runs[0].end or 0) - runs[0].start - step_timeout) <= TOLERANCE:
            fail(
                tr("`run_steps` raised TimeoutError at {at}, when {label} ran out of its own {timeout}.",
                   at=call.at(call.row.end or 0), label=job.label, timeout=seconds(step_timeout)),
                observed=tr("the step's own TimeoutError came out of run_steps, and the steps after it never ran."),
                expected=tr("a step that runs out of its own time counted None, and the next step started at "
                            "once; only the total deadline ends the run."),
                timeline=call.chart(),
                advice=tr("Catch the step's TimeoutError right around that one step, inside the loop: `try:` / "
                          "`async with asyncio.timeout(step_timeout):` / `await step()` / `except TimeoutError:` "
                          "append None."),
            )
    learner.fail_raised("run_steps", error)


SHIELD_PAST_DEADLINE_ADVICE = ("`asyncio.shield` keeps a step running when the total deadline cancels run_steps: the "
                               "step outlives the deadline. Leave the shield out of run_steps.")
SHIELDED_STEP_ADVICE = ("`asyncio.shield` keeps a step from being cancelled: at its timeout only the waiting stops, and "
                        "the step runs on. Leave the shield out of run_steps: a step must be cancelled at its timeout.")


def on_their_own_clocks(call: Call, jobs: Sequence[Step], step_timeout: float, *, shielded: bool = False) -> None:
    """Each step of `jobs` ran, after the one before it had ended (its cleanup included), and was cancelled exactly
    when its own `step_timeout` was up, or not at all if it finished within it."""
    __tracebackhide__ = True
    before: Span | None = None
    tidying: Span | None = None  # the cleanup of the step before, if it was cancelled
    for job in jobs:
        runs = call.recorder.started(job.label)
        if not runs:
            fail(tr("`run_steps` never ran {label}.", label=job.label),
                 expected=tr("every step run, one after another, until the total deadline."), timeline=call.chart())
        span = runs[0]
        blanks = {"label": span.label, "at": call.at(span.start), "timeout": seconds(step_timeout),
                  "ran": seconds((span.end or loop_clock()) - span.start)}
        if before is not None and tidying is not None and before.end is not None and \
                span.start < (tidying.end or loop_clock()) - TOLERANCE and span.start >= before.end - TOLERANCE:
            fail(
                tr("`run_steps` started {label} before {before} had ended.", before=before.label, **blanks),
                observed=tr("{before} was cancelled at {cancelled} and tidied up until {end}, but {label} started at "
                            "{at}: the cancelled step was not waited for.", before=before.label,
                            cancelled=call.at(before.end), end=call.at(tidying.end) if tidying.end is not None
                            else "…", **blanks),
                expected=tr("the steps one after another: each starts once the step before it has ended."),
                timeline=call.chart(),
                advice=tr("`task.cancel()` only asks a Task to stop: it ends once its cleanup has run. After "
                          "cancelling a step's Task, await it (`await asyncio.wait([task])`) before the next step, or "
                          "await the step itself inside `asyncio.timeout(step_timeout)`, which waits for it."),
            )
        if before is not None and span.start < (before.end or loop_clock()) - TOLERANCE:
            fail(
                tr("`run_steps` ran the steps at the same time."),
                observed=tr("{label} started at {at}, while {before} was still running.", before=before.label,
                            **blanks),
                expected=tr("the steps one after another: each starts once the step before it has ended."),
                timeline=call.chart(),
                advice=tr("Await each step before starting the next: `for step in steps:` with `await step()` inside. "
                          "Starting them all first (asyncio.gather, asyncio.create_task) runs them together."),
            )
        ended = (tidying.end if tidying is not None else before.end) if before is not None else None
        if before is not None and ended is not None and span.start > ended + TOLERANCE:
            fail(
                tr("`run_steps` waited {gap} between {before} and {label}.", gap=seconds(span.start - ended),
                   before=before.label, **blanks),
                observed=tr("{before} was over at {end}, its cleanup included, and {label} started only at {at}: "
                            "nothing ran in between.", before=before.label, end=call.at(ended), **blanks),
                expected=tr("the steps one after another: each starts once the step before it has ended."),
                timeline=call.chart(),
                advice=tr("Start the next step at once: a pause between steps (a sleep after a timeout, say) spends "
                          "time of the total deadline on nothing."),
            )
        if job.seconds > step_timeout:
            right = span.state == "cancelled" and abs((span.end or 0) - span.start - step_timeout) <= TOLERANCE
        else:
            right = span.state == "done"
        rounded = span.state == "cancelled" and span.end is not None and any(
            abs(span.end - span.start - whole) <= TOLERANCE for whole in {int(step_timeout), round(step_timeout),
                                                                         math.ceil(step_timeout)})
        if not right:
            fail(
                tr("`run_steps` did not give {label} its own {timeout}.", **blanks),
                observed=tr("{label} ran for {ran}, to its end, past its own {timeout}.", **blanks)
                if span.state == "done"
                else tr("{label} was cancelled after {ran}; its own timeout was {timeout}.", **blanks),
                expected=tr("each step cancelled when its own {timeout} are up, counted None, and the next one "
                            "started at once.", **blanks),
                timeline=call.chart(),
                advice=tr(SHIELDED_STEP_ADVICE) if shielded
                else tr("The step was cut after {ran}, its timeout rounded to whole seconds. Pass `step_timeout` as "
                        "it is, `asyncio.timeout(step_timeout)`: `int()` or `round()` turns {timeout} into a whole "
                        "number of seconds.", **blanks) if rounded
                else tr("Give each step a deadline of its own: `async with asyncio.timeout(step_timeout):` around "
                        "`await step()`, inside the loop, so that it starts afresh with each step."),
            )
        before = span
        tidying = next(iter(job.cleanups()), None) if span.state == "cancelled" else None


def left_behind(call: Call, jobs: Sequence[Step], what: str, *, shielded: bool = False) -> None:
    """Every step, and the cleanup of every step that was cancelled, had ended when run_steps ended. `shielded`: the
    code shields its steps, which is then what the advice names (a shielded step outlives the deadline)."""
    __tracebackhide__ = True
    left = [job for job in jobs
            if any(not call.ended_by_then(s) for s in [*call.recorder.started(job.label), *job.cleanups()])]
    if left:
        spans = [call.recorder.started(job.label)[0] for job in left]
        records = [s for job in left for s in [*call.recorder.started(job.label), *job.cleanups()]]
        blanks = {"what": what, "at": call.at(call.row.end or 0), "labels": labels(spans),
                  "end": call.at(max(s.end or loop_clock() for s in records))}
        fail(
            tr("`run_steps` {what} at {at}, while {labels} was still running.", **blanks) if len(left) == 1
            else tr("`run_steps` {what} at {at}, while {labels} were still running.", **blanks),
            observed=tr("{labels} had been cancelled, but tidied up until {end}, after run_steps had ended: a "
                        "cancelled step ends only once its cleanup has run, and nothing waited for it.", **blanks)
            if all(s.state == "cancelled" for s in spans)
            else tr("{labels} ran on until {end}, after run_steps had ended.", **blanks),
            expected=tr("every step it started ended, cleanup included, before run_steps ends."),
            timeline=call.chart(),
            advice=tr(SHIELD_PAST_DEADLINE_ADVICE) if shielded
            else tr("`task.cancel()` only asks a Task to stop: it ends once its cleanup has run. After "
                    "cancelling a step's Task, await it (`await asyncio.wait([task])`) before the next step, or "
                    "await the step itself inside `asyncio.timeout(step_timeout)`, which waits for it."),
        )


async def test_run_steps_gives_each_step_its_own_timeout(learner: Learner, rng: random.Random) -> None:
    first = await each_on_its_own(learner, rng)
    # Once more, on other steps in the same module: results kept between calls show only now.
    await each_on_its_own(learner, rng, earlier=first)


async def each_on_its_own(learner: Learner, rng: random.Random, earlier: list[Any] | None = None) -> list[Any]:
    """run_steps with a total deadline never reached; `earlier` is what a first call returned, when this is the
    second. Returns what it returned."""
    __tracebackhide__ = True
    recorder = Recorder()
    step_timeout = rng.choice(STEP_TIMEOUTS)
    jobs = steps(rng, recorder, step_timeout, kinds_with_a_long_one_first(rng, rng.randint(4, 5)))
    needed = sum(j.took(step_timeout) for j in jobs)
    total = needed + rng.choice([1.0, 2.5, 4.0])  # never reached
    call = start(learner, recorder, "run_steps", jobs, step_timeout, total)
    if not await call.wait(learner, total + STOP_WITHIN):
        never_ended(call, total + STOP_WITHIN)
    await until(loop_clock() + max(j.seconds + j.cleanup for j in jobs))  # what it left running ends meanwhile
    if call.task is not None and call.task.cancelled():
        let_out(call)
    outcome = call.outcome()
    assert outcome is not None
    if outcome.error is not None:
        # The steps that ran first: one cut before its own time could have made the run outlast its total (seed 91026:
        # a step timeout rounded down cut a step early, whose cleanup then took longer than the step would have).
        ran = [job for job in jobs if recorder.started(job.label)]
        on_their_own_clocks(call, ran, step_timeout, shielded="shield" in learner.names_reached("run_steps"))
        escaped_step_timeout(learner, call, jobs, step_timeout, outcome.error)
    on_their_own_clocks(call, jobs, step_timeout, shielded="shield" in learner.names_reached("run_steps"))
    left_behind(call, jobs, tr("returned"))
    expected = [j.result if j.seconds < step_timeout else None for j in jobs]
    value = outcome.value
    if value != expected:
        expected_text = tr("{expected}: each step's result, or None for a step that ran out of its own time.",
                           expected=repr(expected))
        if earlier is not None and isinstance(value, list) and len(value) > len(expected):
            fail(tr("`run_steps` returned {got} when called a second time, on other steps.", got=shown(value)),
                 observed=tr("the first call's result, {first}, was right; the second one also holds the first call's "
                             "results: something was kept between the calls.", first=repr(earlier)),
                 expected=expected_text, timeline=call.chart(),
                 advice=tr("Make the results list inside run_steps, fresh for each call. A list at module level, or a "
                           "mutable default argument (`results=[]`), is shared by every call and grows with each."))
        fail(tr("`{name}` returned {got}.", name="run_steps", got=shown(value)), expected=expected_text,
             timeline=call.chart(), advice=tr(checks.NO_RETURN_ADVICE) if value is None else None)
    return expected


async def test_run_steps_raises_timeout_error_at_the_total_deadline(learner: Learner, rng: random.Random) -> None:
    await total_deadline(learner, rng, rng.randint(1, 2))
    # Then timeouts of 0, on every draw: a total of 0 leaves no time at all (TimeoutError at once), a step timeout of 0
    # none for any step (each cut at once, so every result None). `timeout or None` makes either no deadline.
    for total, each in ((0, rng.choice(STEP_TIMEOUTS)), (3600, 0)):
        recorder = Recorder()
        jobs = steps(rng, recorder, rng.choice(STEP_TIMEOUTS), rng.sample(["short", "long", "short"], 3))
        call = start(learner, recorder, "run_steps", jobs, each, total)
        budget = sum(j.seconds + j.cleanup for j in jobs) + STOP_WITHIN
        if not await call.wait(learner, budget):
            never_ended(call, budget)
        await until(loop_clock() + max(j.seconds + j.cleanup for j in jobs))
        outcome = call.outcome()
        if outcome is None:
            let_out(call)
        assert outcome is not None
        if outcome.error is not None and not isinstance(outcome.error, TimeoutError):
            learner.fail_raised("run_steps", outcome.error)
        nones = [None] * len(jobs)
        if (outcome.error is None) if total == 0 else (outcome.error is not None or outcome.value != nones):
            blanks = {"which": tr("a total timeout of 0") if total == 0 else tr("a step timeout of 0"),
                      "value": shown(outcome.value)}
            fail(tr("`run_steps` returned {value} for {which}.", **blanks) if outcome.error is None
                 else tr("`run_steps` raised TimeoutError for {which}.", **blanks),
                 expected=tr("TimeoutError at once: a total timeout of 0 leaves the steps no time.") if total == 0
                 else tr("{nones}: a step timeout of 0 cuts every step at once, and its result is None.",
                         nones=repr(nones)),
                 timeline=call.chart(), advice=tr(checks.ZERO_ADVICE))


async def test_run_steps_raises_timeout_error_when_the_last_step_is_cut(learner: Learner, rng: random.Random) -> None:
    # No step after the one the deadline cuts: a deadline checked only before each step never raises then.
    await total_deadline(learner, rng, 0)


async def total_deadline(learner: Learner, rng: random.Random, later: int) -> None:
    """run_steps with a total deadline that falls in a step with time of its own left, `later` steps after it."""
    __tracebackhide__ = True
    recorder = Recorder()
    step_timeout = rng.choice(STEP_TIMEOUTS)
    done = kinds_with_a_long_one_first(rng, rng.randint(2, 3))  # the steps that end before the total deadline
    kinds = [*done, rng.choice(["short", "long"]), *rng.choices(["short", "long"], k=later)]
    jobs = steps(rng, recorder, step_timeout, kinds)
    cut = jobs[len(done)]  # running at the total deadline, with time of its own left
    begins = sum(j.took(step_timeout) for j in jobs[:len(done)])
    # In the middle of the cut step, and far enough from its own deadline that this does not fall in its cleanup.
    total = begins + rng.choice([0.25 * k for k in range(1, 12) if 0.25 * k <= min(cut.seconds, step_timeout) - 0.25
                                 and 0.25 * k <= step_timeout - cut.cleanup - 0.25])
    call = start(learner, recorder, "run_steps", jobs, step_timeout, total)
    budget = total + sum(j.seconds + j.cleanup for j in jobs) + STOP_WITHIN
    if not await call.wait(learner, budget):
        never_ended(call, budget)
    await until(loop_clock() + max(j.seconds + j.cleanup for j in jobs))  # what it left running ends meanwhile
    deadline = call.origin + total
    blanks = {"total": seconds(total), "deadline": call.at(deadline), "cut": cut.label,
              "returned": call.at(call.row.end or 0)}
    if call.task is not None and call.task.cancelled():
        let_out(
            call,
            observed=tr("at {deadline}, the total deadline, a CancelledError came out of run_steps instead of "
                        "TimeoutError. asyncio.timeout turns the cancellation it made into TimeoutError only when no "
                        "other cancellation of the Task is pending, and {count} still were: cancellations your code "
                        "caught without undoing them with `uncancel()`.", count=call.cancelling, **blanks)
            if call.cancelling else None,
            advice=tr("Use `asyncio.timeout(step_timeout)` for each step as well: when it turns its own cancellation "
                      "into TimeoutError, it also undoes it. A hand-made timeout (`loop.call_later(..., task.cancel)`) "
                      "must call `asyncio.current_task().uncancel()` once it has caught the CancelledError it caused.")
            if call.cancelling else None,
        )
    outcome = call.outcome()
    assert outcome is not None
    error = outcome.error
    if error is not None and not (isinstance(error, TimeoutError) and (call.row.end or 0) > deadline - TOLERANCE):
        escaped_step_timeout(learner, call, jobs, step_timeout, error)
    now = loop_clock()
    spans = [s for s in recorder.spans if not is_cleanup(s, jobs)]  # the steps themselves
    past = [s for s in spans if s.start < deadline - TOLERANCE and (s.end is None or s.end > deadline + TOLERANCE)]
    after = [s for s in spans if s.start >= deadline - TOLERANCE and (s.end or now) - s.start > TOLERANCE]
    if isinstance(error, TimeoutError) and not after:
        ran_on = [s for s in past if not call.ended_by_then(s)]
        if ran_on:  # it raised, and left the step running
            fail(
                tr("`run_steps` raised TimeoutError at {returned}, but left {labels} running.", labels=labels(ran_on),
                   **blanks),
                observed=tr("{labels} ran on to its end at {end}, after run_steps had raised: the total deadline "
                            "stopped the waiting, not the step.", labels=labels(ran_on),
                            end=call.at(max(s.end or now for s in ran_on)), **blanks) if len(ran_on) == 1
                else tr("{labels} ran on to their end at {end}, after run_steps had raised: the total deadline "
                        "stopped the waiting, not the steps.", labels=labels(ran_on),
                        end=call.at(max(s.end or now for s in ran_on)), **blanks),
                expected=tr("at {deadline}, {cut} cancelled, no other step run, and TimeoutError raised.", **blanks),
                timeline=call.chart(),
                advice=tr(SHIELD_PAST_DEADLINE_ADVICE)
                if "shield" in learner.names_reached("run_steps")
                else tr("Cancelling an await on a step's Task (`await asyncio.wait([task])`) stops only the waiting: "
                        "the Task runs on. Await the step itself inside the timeouts (`await step()`), or, when that "
                        "wait is cancelled, cancel the step's Task and await it before the CancelledError goes on."),
            )
        # A shielded step ending the very moment run_steps does may be recorded after it (Python 3.13, seed 15791): the
        # shield is still the cause to name.
        left_behind(call, jobs, tr("raised TimeoutError"), shielded="shield" in learner.names_reached("run_steps"))
    if past or after:
        went = tr("{labels} ran after it, and run_steps returned {value} at {returned}.", labels=labels(after),
                  value=shown(outcome.value), **blanks) if error is None and after \
            else tr("{labels} ran after it.", labels=labels(after)) if after else ""
        stopped = not past and cut.label in {s.label for s in recorder.spans if s.state == "cancelled"}
        fail(
            tr("`run_steps` went on after the {total} total deadline.", **blanks),
            observed=sentences(tr("at {deadline}, the total deadline cancelled {cut}, but the run went on.", **blanks),
                               went) if stopped
            else sentences(tr("{labels} ran on past the total deadline at {deadline}.", labels=labels(past), **blanks),
                           went),
            expected=tr("at {deadline}, {cut} cancelled, no other step run, and TimeoutError raised.", **blanks),
            timeline=call.chart(),
            advice=tr(SHIELD_PAST_DEADLINE_ADVICE)
            if "shield" in learner.names_reached("run_steps")
            else tr(CAUGHT_TOTAL_ADVICE)
            if stopped
            else tr("Create the total deadline once, around the whole loop: `async with asyncio.timeout("
                    "total_timeout):`. A timeout created inside the loop starts again with each step, and a deadline "
                    "checked only between steps cannot stop the step that is running."),
        )
    if error is None and (call.row.end or 0) < deadline - TOLERANCE:  # over before the deadline: the steps went wrong
        on_their_own_clocks(call, jobs[:len(done)], step_timeout, shielded="shield" in learner.names_reached("run_steps"))
    if error is None:
        cut_short = [s for s in spans if s.start >= deadline - TOLERANCE]
        fail(
            tr("`run_steps` returned {value} at the {total} total deadline instead of raising TimeoutError.",
               value=shown(outcome.value), **blanks),
            observed=sentences(tr("at {deadline}, {cut} was cancelled and counted None, as if it had run out of its own "
                                  "time.", **blanks),
                               "" if not cut_short
                               else tr("{labels} was started after it and cut at once.", labels=labels(cut_short))
                               if len(cut_short) == 1
                               else tr("{labels} were started after it and cut at once.", labels=labels(cut_short))),
            expected=tr("at {deadline}, {cut} cancelled, no other step run, and TimeoutError raised.", **blanks),
            timeline=call.chart(),
            # The total deadline's cancel became a None: code that catches CancelledError around a step took it for the
            # step's own timeout.
            advice=tr(CAUGHT_TOTAL_ADVICE) if {"CancelledError", "BaseException"} & learner.names_reached("run_steps")
            else tr(TOTAL_ADVICE),
        )
    on_their_own_clocks(call, jobs[:len(done)], step_timeout, shielded="shield" in learner.names_reached("run_steps"))
    if isinstance(error, TimeoutError) and call.cancelling:
        fail(
            tr("`run_steps` raised TimeoutError, but left its Task marked as cancelled.", **blanks),
            observed=tr("at {deadline}, TimeoutError came out of run_steps, yet cancellations of its Task were still "
                        "pending ({count}): cancellations your code caught without undoing them with `uncancel()`. "
                        "Every asyncio.timeout or TaskGroup used later in that Task will take them for a cancellation "
                        "from outside.", count=call.cancelling, **blanks),
            expected=tr("TimeoutError at {deadline}, and no cancellation of the Task left pending.", **blanks),
            timeline=call.chart(),
            advice=tr("Put the whole loop in `async with asyncio.timeout(total_timeout):`: when it turns its own "
                      "cancellation into TimeoutError, it also undoes it. A hand-made timeout (`loop.call_later(..., "
                      "task.cancel)`) must call `asyncio.current_task().uncancel()` once it has caught the "
                      "CancelledError it caused."),
        )
