"""Graders for topic 10: asyncio.TaskGroup, structured concurrency and ExceptionGroup.

Every grader judges rules that hold whatever the schedule: a job still running when another
fails (or when the deadline passes) ends, cancelled, at that very moment; nothing outlives the
call, nor is still running at the very moment it returns or raises (before the loop turns again,
when a cancelled task nobody awaited ends); each batch of run_retrying runs every job, all at
once; each failure reaches the caller (or is handled) as the function promises. The inputs are
drawn so that on every seed some job is still running at the moment that matters, and a job
has finished before it.
"""

from __future__ import annotations

import asyncio
import dis
import inspect
import itertools
import linecache
import random
import re
import sys
import traceback
from collections import Counter
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

import pytest

from graders.harness import checks
from graders.harness.checks import leaves
from graders.harness.feedback import GraderFailure, fail, plural, seconds, shown
from graders.i18n import listed, sentences, tr
from graders.harness.learner import CANCELLED_IN_A_GROUP, Learner, Outcome, known_advice
from graders.harness.probes import IN_LOOP_TIME, AsyncJob, JobFailed, Recorder, Span, loop_clock

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]

TOLERANCE = checks.TOLERANCE
# Job lengths: 0.13 s past a half second, so that the moment a job fails (or ends) falls on no round grid: code that
# looks at its tasks every 0.05, 0.1, 0.2, 0.25, 0.3, 0.5 or 1 s (a loop of `t.done()` and `asyncio.sleep`), or
# checks a deadline so, sees a failure 0.02 s or more late, and the siblings it cancels then outlive it.
DURATIONS = [0.5 * k + 0.13 for k in range(1, 17)]  # 0.63 s to 8.13 s
NO_PLAN: Sequence[type[Exception] | None] = (None,)  # a job that returns its result
HAIR = 1e-10  # seconds: asyncio fires every timer due within its clock's resolution (1 ns at best) in one turn
MOMENTS = DURATIONS[2:10]  # when jobs fail: 1.63 s to 5.13 s, so that some jobs end before and some after


_CALLS = itertools.count()  # stamps the calls of every Job, in the order they were made


class Job(AsyncJob):
    """A probe job whose calls follow a plan: call n raises plan[n - 1] (an exception class), or
    returns the result where that is None; the plan's last entry holds for every later call.

    It keeps the exceptions it raised, so a grader can tell whether those very objects reached
    the caller, the record of each call that started, and when each call was made, in the order
    of all jobs' calls (`batches` cuts them into batches); a call after the first is labelled
    "job 2 (try 2)" on the timeline.
    """

    def __init__(self, recorder: Recorder, label: str, seconds: float, result: Any,
                 plan: Sequence[type[Exception] | None] = (None,)) -> None:
        super().__init__(recorder, label, seconds, result, fails=False)
        self.plan = list(plan)
        self.calls = 0
        self.raised: list[Exception] = []
        self.raised_in: list[str] = []  # the label of the call that raised each of them
        self.raised_at: list[int] = []  # and its number
        self.runs: dict[int, Span] = {}  # by call number, for the calls that started
        self.stamps: dict[int, int] = {}  # by call number: when it was made, in the order of every job's calls
        self.callers: dict[int, list[tuple[CodeType, int]]] = {}  # by call number: the frames it was called from

    def __call__(self) -> Coroutine[Any, Any, Any]:
        self.calls += 1
        # The learner's code calls this, on the loop's thread: tr() reads no file by then (making the
        # inputs loaded the catalog), so the blocking-call guard sees nothing of the grader's.
        label = self.label if self.calls == 1 else tr("{label} (try {n})", label=self.label, n=self.calls)
        self.recorder.created[label] += 1
        self.stamps[self.calls] = next(_CALLS)
        # Each frame it was called from (code, and id: one call of a function is one frame), innermost first, so
        # a grader can tell which of the learner's functions started it, and in which call.
        frame, callers = sys._getframe(1), []
        while frame is not None and len(callers) < 40:
            callers.append((frame.f_code, id(frame)))
            frame = frame.f_back
        self.callers[self.calls] = callers
        return self._attempt(label, self.calls, self.plan[min(self.calls, len(self.plan)) - 1])

    def tried(self, error: BaseException) -> str | None:
        """The label of the call that raised `error` ("job 2 (try 2)"), or None if no call of this job raised it."""
        return next((label for e, label in zip(self.raised, self.raised_in) if e is error), None)

    async def _attempt(self, label: str, call: int, error: type[Exception] | None) -> Any:
        task = asyncio.current_task()
        if task is not None and getattr(task.get_coro(), "cr_code", None) is Job._attempt.__code__:
            # A task of its own: whether its error reached the caller is the grader's to judge, so
            # asyncio need not log it as "never retrieved" on top of the grader's message.
            task.add_done_callback(_read)
        with self.recorder.span(label) as span:
            self.runs[call] = span
            if span.thread == self.recorder.loop_thread:  # see AsyncJob._run
                try:
                    await asyncio.sleep(self.seconds)
                except asyncio.CancelledError:
                    # Cancelled, a job cleans up as real ones do (a connection's close): over a few turns of the
                    # loop, at no loop time. Code that cancels and only yields once (`await asyncio.sleep(0)`)
                    # instead of waiting for the job to end has moved on before it has.
                    for _ in range(CLEANUP_TURNS):
                        await asyncio.sleep(0)
                    raise
            if error is not None:
                raised = error(f"{self.label} failed")
                self.raised.append(raised)
                self.raised_in.append(label)
                self.raised_at.append(call)
                raise raised
            return self.result


CLEANUP_TURNS = 3  # turns of the loop a cancelled job's cleanup takes


def _read(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


# Inputs.


def around(rng: random.Random, moment: float, count: int) -> list[float]:
    """`count` (2 or more) durations other than `moment`, at least one shorter and one longer, shuffled."""
    shorter = [d for d in DURATIONS if d < moment]
    longer = [d for d in DURATIONS if d > moment]
    durations = [rng.choice(shorter), rng.choice(longer), *(rng.choice(shorter + longer) for _ in range(count - 2))]
    rng.shuffle(durations)
    return durations


def job_label(i: int, group: int | None = None) -> str:
    """ "job 2", or "group 1 job 2", in the learner's language."""
    return tr("job {i}", i=i) if group is None else tr("group {g} job {i}", g=group, i=i)


def failing_batch(rng: random.Random, recorder: Recorder, plans: Sequence[Sequence[type[Exception] | None]],
                  group: int | None = None) -> tuple[list[Job], float]:
    """Jobs of which one per plan fails at the same moment (returned too), while at least one
    other has finished by then and at least one is still running (labelled as in `group`, if given)."""
    moment = rng.choice(MOMENTS)
    durations: list[float] = around(rng, moment, rng.randint(2, 4))
    kinds: list[Sequence[type[Exception] | None]] = [NO_PLAN] * len(durations)
    for plan in plans:
        # After a job that is still running at the moment of the failure, on every draw: code that awaits the tasks
        # in list order is then waiting on that one when the failure comes, and does not see it in time.
        running = [i for i, d in enumerate(durations) if d > moment]
        at = rng.randint(running[0] + 1, len(durations)) if running else rng.randint(0, len(durations))
        durations.insert(at, moment)
        kinds.insert(at, plan)
    # The failing jobs in the order of `plans`, each a hair (well within one tick of the clock) after the one before: they
    # fail in the same turn of the loop, so none is cancelled before it raises, and in that order, so that a group
    # holds their errors as `plans` lists them (asyncio's timers due at the very same time fire in no set order).
    failing = [i for i, kind in enumerate(kinds) if kind is not NO_PLAN]
    for n, (i, plan) in enumerate(zip(failing, plans)):
        kinds[i], durations[i] = plan, moment + n * HAIR
    results = rng.sample(range(100, 1000), len(durations))
    jobs = [Job(recorder, job_label(i, group), d, r, plan) for i, (d, r, plan) in enumerate(zip(durations, results, kinds))]
    return jobs, moment


# Calling.


async def called(learner: Learner, name: str, *args: Any, budget: float = 600.0) -> Outcome:
    """`learner.outcome`, where a CancelledError out of the learner's code is an outcome too.

    On Python 3.11 a TaskGroup whose child fails while the block is ending leaves its task
    marked as cancelling, so an `asyncio.timeout` later in the same task lets CancelledError
    out instead of TimeoutError (code that runs groups one after another in one task meets it).
    The grader's own task is then cleared of those requests: nobody else cancels it.
    """
    __tracebackhide__ = True
    try:
        return await learner.outcome(name, *args, budget=budget)
    except asyncio.CancelledError as error:
        learner.check_not_blocked(name)
        task = asyncio.current_task()
        while task is not None and task.uncancel() > 0:
            pass
        return Outcome(error=error)


async def timed_outcome(learner: Learner, name: str, *args: Any) -> tuple[Outcome, float]:
    start = loop_clock()
    result = await called(learner, name, *args)
    return result, loop_clock() - start


# What the records say.


@dataclass
class AfterCall:
    """The records once the learner's call is over."""

    timeline: str  # once the loop has turned
    running: list[Span]  # still running then
    unended: list[Span]  # not yet ended at the moment the call returned or raised
    at_return: str  # the timeline at that moment


async def settle(recorder: Recorder) -> AfterCall:
    """What the records say once the learner's call is over. Call it straight after the call, with
    no await between: what had not ended then is noted before the loop turns.

    Cancels sent on the way out land at a task's next step, so the loop then gets a few turns
    (no loop time passes). What is still running after them is left as it is, for the grader
    to judge; the plugin ends it after the grader (learner.stop_stragglers).
    """
    unended, at_return = recorder.still_running(), recorder.timeline()
    for _ in range(CLEANUP_TURNS + 3):  # a cancelled job's cleanup takes turns of its own
        await asyncio.sleep(0)
    return AfterCall(recorder.timeline(), recorder.still_running(), unended, at_return)


def labels(spans: Iterable[Span]) -> str:
    return listed(s.label for s in spans)


def show(value: Any) -> str:
    """A value as the learner's code returned it (wider than the usual, for lists of lists)."""
    return shown(value, width=160)


def outlived(spans: Sequence[Span], moment: float) -> list[Span]:
    """Spans that were running at `moment` and did not end then: nothing cancelled them."""
    return [s for s in spans if s.start < moment - TOLERANCE and (s.end is None or s.end > moment + TOLERANCE)]


def cancelled_at_each_failure(name: str, spans: Sequence[Span], origin: float, timeline: str, advice: str,
                              cause: str | None = None, note: str = "") -> None:
    """Whenever a job failed, the jobs running beside it (among `spans`) ended at that moment (`advice`, in the
    learner's language; `cause`: for a grader of the same file that sees the same jobs run on, and says so in its own
    terms). Jobs that were all cancelled, but late, get advice on what woke the code then, with `note` (a word on
    the learner's run_all, from `run_all_note`) after it."""
    __tracebackhide__ = True
    for moment in sorted({s.end for s in spans if s.state == "failed" and s.end is not None}):
        late = outlived(spans, moment)
        if not late:
            continue
        failed = [s for s in spans if s.state == "failed" and s.end is not None and abs(s.end - moment) <= TOLERANCE]
        running = [s for s in late if s.end is None]
        cut = [s for s in late if s.end is not None and s.state == "cancelled"]  # cancelled, but only later
        finished = [s for s in late if s.end is not None and s.state != "cancelled"]  # ran to their own end
        blanks = {"name": name, "jobs": plural(len(late), "job"), "count": len(late), "failed": labels(failed),
                  "at": seconds(moment - origin), "labels": labels(running or finished or cut),
                  "finished": labels(finished)}
        if cut:
            when = max(s.end or 0 for s in cut)
            told = {"labels": labels(cut), "cut": seconds(when - origin), "after": seconds(when - moment), **{
                k: blanks[k] for k in ("failed", "at")}}
            cut_text = (tr("{labels} was cancelled only at {cut}, {after} after {failed} failed at {at}.", **told)
                        if len(cut) == 1
                        else tr("{labels} were cancelled only at {cut}, {after} after {failed} failed at {at}.", **told))
            if not running and not finished:
                # Every one of them was cancelled, but late: what woke the code then is what the advice is about.
                ended = [s for s in spans if s.state != "cancelled" and s.end is not None and abs(s.end - when) <= TOLERANCE]
                late_advice = (
                    tr("Your code noticed the failure only when {label} ended, at {cut}: awaiting the tasks one by "
                       "one sees a failure only when its turn comes. A TaskGroup cancels the others the moment a "
                       "child fails; so does `asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)`, followed by "
                       "cancelling what is pending.", label=ended[0].label, cut=told["cut"]) if ended
                    else tr("Your code noticed the failure only {after} after it, at a moment when nothing happened: "
                            "code that looks at its tasks every so often (`while ...: await asyncio.sleep(...)`) sees "
                            "a failure only at its next look. Wait on the tasks themselves: a TaskGroup cancels the "
                            "others the moment a child fails; so does `asyncio.wait(tasks, return_when="
                            "asyncio.FIRST_EXCEPTION)`, followed by cancelling what is pending.", after=told["after"]))
                fail(
                    tr("`{name}` cancelled {jobs} only after {failed} had failed.", **blanks),
                    observed=cut_text,
                    expected=tr("every job still running when one fails cancelled at that moment (x at {at} on the "
                                "timeline), so that none outlives the call.", **blanks),
                    timeline=timeline,
                    advice=sentences(late_advice, note),
                    cause=cause,
                )
        else:
            cut_text = ""
        if running and finished:  # every one of them named: some ran to their end, some were still running
            observed = (tr("{finished} went on after {failed} failed at {at}, to the end, and {labels} was still "
                           "running after the call to `{name}` was over: nothing cancelled them.", **blanks)
                        if len(running) == 1
                        else tr("{finished} went on after {failed} failed at {at}, to the end, and {labels} were still "
                                "running after the call to `{name}` was over: nothing cancelled them.", **blanks))
        elif running:
            observed = (tr("still running after the call to `{name}` was over: {labels}. Nothing cancelled it when "
                           "{failed} failed at {at}.", **blanks) if len(running) == 1
                        else tr("still running after the call to `{name}` was over: {labels}. Nothing cancelled them "
                                "when {failed} failed at {at}.", **blanks))
        else:
            observed = (tr("{labels} went on after {failed} failed at {at}, to the end: nothing cancelled it.", **blanks)
                        if len(finished) == 1
                        else tr("{labels} went on after {failed} failed at {at}, to the end: nothing cancelled them.",
                                **blanks))
        fail(
            tr("`{name}` let {jobs} run on after {failed} failed.", **blanks),
            observed=sentences(observed, cut_text),
            expected=tr("every job still running when one fails cancelled at that moment (x at {at} on the "
                        "timeline), so that none outlives the call.", **blanks),
            timeline=timeline,
            advice=advice,
            cause=cause,
        )


def ended_by_then(name: str, outcome: Outcome, after: AfterCall) -> None:
    """Every job had ended at the very moment the call returned or raised, before the loop turned.

    A job cancelled on the way out without being awaited ends only at its next step, after the
    caller has moved on: at no loop time later, so the rules above cannot see it.
    """
    __tracebackhide__ = True
    late = [s for s in after.unended if s.end is not None]  # those never ending are the rules above's to tell
    if not late:
        return
    blanks = {"name": name, "labels": labels(late), "jobs": plural(len(late), "job"), "count": len(late)}
    raised = outcome.error is not None
    if all(s.state == "cancelled" for s in late):
        if raised and len(late) == 1:
            observed = tr("{labels} had been cancelled but had not ended yet when `{name}` raised: it ended, and its "
                          "`finally:` cleanup ran, only after the error had reached the caller.", **blanks)
        elif raised:
            observed = tr("{labels} had been cancelled but had not ended yet when `{name}` raised: they ended, and "
                          "their `finally:` cleanup ran, only after the error had reached the caller.", **blanks)
        elif len(late) == 1:
            observed = tr("{labels} had been cancelled but had not ended yet when `{name}` returned: it ended, and "
                          "its `finally:` cleanup ran, only after the caller had the result.", **blanks)
        else:
            observed = tr("{labels} had been cancelled but had not ended yet when `{name}` returned: they ended, and "
                          "their `finally:` cleanup ran, only after the caller had the result.", **blanks)
        advice = tr("`task.cancel()` only asks a task to stop: it ends at its next step, once your code has moved on. "
                    "Wait for the cancelled tasks to end before raising or returning: `await asyncio.wait(pending)` "
                    "(or `await asyncio.gather(*pending, return_exceptions=True)`). A TaskGroup does both for you.")
    else:
        observed = (tr("still running when `{name}` raised: {labels}; they ended after it.", **blanks) if raised
                    else tr("still running when `{name}` returned: {labels}; they ended after it.", **blanks))
        advice = None
    fail(
        tr("`{name}` raised before {jobs} had ended.", **blanks) if raised
        else tr("`{name}` returned before {jobs} had ended.", **blanks),
        observed=observed,
        expected=tr("every job ended (x on the timeline for those cancelled) before `{name}` returns or raises: "
                    "nothing still running once the call is over.", **blanks),
        timeline=after.at_return,
        advice=advice,
        cause=f"unended {name}",
    )


def batches(jobs: Sequence[Job]) -> list[list[tuple[Job, Span | None]]]:
    """The calls of `jobs`, in the order they were made, cut into batches: a batch ends where a job
    is called again. Each call comes with its record, None if it never started."""
    calls = sorted((stamp, n, j) for j in jobs for n, stamp in j.stamps.items())
    cut: list[list[tuple[Job, Span | None]]] = []
    for _, n, job in calls:
        if not cut or any(job is other for other, _ in cut[-1]):
            cut.append([])
        cut[-1].append((job, job.runs.get(n)))
    return cut


def batch_together(name: str, jobs: Sequence[Job], origin: float, timeline: str) -> None:
    """In each batch, the jobs started at once."""
    __tracebackhide__ = True
    for n, batch in enumerate(batches(jobs), 1):
        spans = [span for _, span in batch if span is not None]
        first = min((s.start for s in spans), default=0.0)
        late = sorted((s for s in spans if s.start > first + TOLERANCE), key=lambda s: s.start)
        if not late:
            continue
        span = late[0]
        # One job of the batch ended at the moment this one started: it waited for that one.
        before = [s for s in spans if s.end is not None and s.start < span.start and abs(s.end - span.start) <= TOLERANCE]
        waited = len(before) == 1
        blanks = {"name": name, "n": n, "label": span.label, "at": seconds(span.start - origin),
                  "after": seconds(span.start - first), "before": labels(before)}
        fail(
            tr("`{name}` did not start the jobs of a batch together.", **blanks),
            observed=tr("in batch {n}, {label} started only at {at}, the moment {before} ended: it waited for it.",
                        **blanks) if waited
            else tr("in batch {n}, {label} started only at {at}, {after} after the batch began.", **blanks),
            expected=tr("every job of a batch started at once, as run_all starts them."),
            timeline=timeline,
            advice=tr("`await tg.create_task(job())` in a loop waits for each job before starting the next. Create "
                      "every task of the batch first, and let the `async with` block wait for them all.")
            if waited else None,
            cause=f"apart {name}",
        )


def whole_batches(name: str, jobs: Sequence[Job], timeline: str) -> None:
    """Every batch ran every job: a batch that fails is run again as a whole."""
    __tracebackhide__ = True
    earlier: list[Span] = []  # what the batches before this one ran
    for n, batch in enumerate(batches(jobs), 1):
        ran = [span for _, span in batch if span is not None]
        left_out = [j for j in jobs if not any(job is j and span is not None for job, span in batch)]
        if left_out:
            kept = [j for j in left_out if any(s.state == "done" and any(s is r for r in j.runs.values()) for s in earlier)]
            blanks = {"name": name, "n": n, "ran": labels(ran), "left": listed(j.label for j in left_out)}
            fail(
                tr("`{name}` did not run every job in batch {n}.", **blanks),
                observed=tr("batch {n} ran only {ran}; {left} had finished in an earlier batch, and did not run "
                            "again.", **blanks) if kept == left_out
                else tr("batch {n} ran only {ran}, without {left}.", **blanks),
                expected=tr("all the jobs run again in every batch: when a batch fails, all of its results are thrown "
                            "away, and the next batch starts afresh."),
                timeline=timeline,
                advice=tr("Run all the jobs in every attempt, not only those that failed or were cancelled: one "
                          "`tg.create_task(job())` for each job in `jobs`, each time round the loop.")
                if kept == left_out else None,
                cause=f"part {name}",
            )
        earlier += ran


def escaped(learner: Learner, name: str, error: BaseException, jobs: Sequence[Job], *, observed: str | None = None,
            expected: str | None = None, timeline: str | None = None) -> None:
    """Fail for an error no rule above foresaw. A bare one is told as learner.fail_raised tells it;
    an ExceptionGroup in this topic's words (never the KNOWN_ERRORS advice to use asyncio.gather):
    what it held, and whose each error was. Advice only where an error of the learner's own in it
    makes its cause plain."""
    __tracebackhide__ = True
    if not isinstance(error, BaseExceptionGroup):
        learner.fail_raised(name, error)

    def whose(leaf: BaseException) -> str | None:
        return next((label for j in jobs if (label := j.tried(leaf)) is not None), None)

    def what(leaf: BaseException) -> str:
        label = whose(leaf)
        if label is not None:
            return tr("the {kind} of {job}", kind=type(leaf).__name__, job=label)
        text = shown(str(leaf), width=80).strip("'\"")
        return f"{type(leaf).__name__}: {text}" if text else type(leaf).__name__

    inside = leaves(error)
    counted = Counter(what(leaf) for leaf in inside)  # in order of first appearance
    held = [item if n == 1 else tr("{count} × {item}", count=n, item=item) for item, n in counted.items()]
    own = [leaf for leaf in inside if whose(leaf) is None]
    fail(
        tr("`{name}` raised an ExceptionGroup holding {held}.", name=name, held=listed(held)),
        observed=observed,
        expected=expected,
        timeline=timeline if any(j.runs for j in jobs) else None,
        details=learner.format_error(error),
        # A cancellation wrapped in the group (re-raised by an `except*`) first: its own advice would name another cause.
        advice=tr(CANCELLED_IN_A_GROUP) if error.subgroup(asyncio.CancelledError) is not None
        else next((a for a in map(known_advice, own) if a), None),
        cause=f"group {name} " + re.sub(r"[0-9]+", "N", " | ".join(sorted(counted))),
    )


def ran_the_jobs(name: str, recorder: Recorder, learner: Learner, outcome: Outcome, jobs: Sequence[Job]) -> None:
    """Some job ran: a call that never starts them breaks no rule about them, yet does nothing asked.
    If it raised an error of its own meanwhile, that error is the news."""
    __tracebackhide__ = True
    if recorder.spans:
        return
    if outcome.error is not None and not any(j.raised for j in jobs):
        escaped(learner, name, outcome.error, jobs)
    unawaited = recorder.never_awaited()
    fail(
        tr("`{name}` never ran the jobs.", name=name),
        observed=tr("it called {calls} but never awaited the coroutines, so they never started.",
                    calls=listed(unawaited)) if unawaited else tr("none of the jobs was called."),
        advice=tr(GROUP_ADVICE),
    )


def ran_on(name: str) -> str:
    """The cause told by the first grader of `name` to see jobs run on past a failure: they were no group's children."""
    return f"ran on {name}"


# What the learner's code does with an error: read from the code of its functions the error went through.


def passed_through(error: BaseException, path: Path) -> list[CodeType]:
    """The learner's functions in the traceback of `error`, outermost first."""
    codes: list[CodeType] = []
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if Path(code.co_filename) == path and code not in codes:
            codes.append(code)
        tb = tb.tb_next
    return codes


def plain_except(codes: Sequence[CodeType], kind: str) -> int | None:
    """The line of an `except` clause (not `except*`) naming `kind`, alone or in a tuple, in one of `codes`."""
    for code in codes:
        named = False
        for instruction in dis.get_instructions(code):
            if instruction.opname == "CHECK_EXC_MATCH" and named and instruction.positions is not None:
                return instruction.positions.lineno
            if instruction.opname.startswith(("LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_FAST")):
                named = named or instruction.argval == kind
            elif instruction.opname not in ("BUILD_TUPLE", "CACHE", "PUSH_NULL"):
                named = False
    return None


def calls_of(codes: Sequence[CodeType], names: Sequence[str]) -> tuple[str, int, str] | None:
    """The first attribute of `codes` looked up by one of `names` (a method call): the name, its line and the text."""
    for code in codes:
        for instruction in dis.get_instructions(code):
            if instruction.argval in names and ("ATTR" in instruction.opname or "METHOD" in instruction.opname):
                line = instruction.positions.lineno if instruction.positions is not None else None
                if line:
                    return instruction.argval, line, linecache.getline(code.co_filename, line).strip()
    return None


def gave_up_advice(learner: Learner, error: BaseException) -> str:
    """What to try when the first batch's ValueErrors came out of run_retrying and the batch never ran again: what
    its code shows of the handler they went through, else what is true whatever the code."""
    codes = passed_through(error, learner.path)
    if isinstance(error, BaseExceptionGroup) and plain_except(codes, "ValueError") is not None:
        return tr("A task group raises its children's errors inside an ExceptionGroup, which `except ValueError:` "
                  "does not catch. `except* ValueError:` does: put it around the task group, inside a loop of "
                  "attempts.")
    call = calls_of(codes, ("subgroup", "split")) if isinstance(error, BaseExceptionGroup) else None
    if call is not None:
        method, line, source = call
        return tr("The ExceptionGroup that came out held only ValueErrors, and your code calls `{method}()` at line "
                  "{line} (`{source}`): it tests its condition on the group itself before the exceptions in it, and "
                  "keeps the whole group where the condition holds for the group, as `not isinstance(e, ValueError)` "
                  "does. `except* ValueError:` around the task group takes the ValueErrors out for you and re-raises "
                  "the rest.", method=method, line=line, source=source)
    return tr("Run the batch again after ValueErrors while attempts are left: `except* ValueError:` around the task "
              "group, inside `for attempt in range(attempts):`, catches the ValueErrors of its ExceptionGroup; "
              "re-raise only on the last attempt.")


GAVE_UP = "gave up after the first batch run_retrying"  # the cause, for `fail`


# Advice texts are translated where they are used: the learner's language is known only then.
GROUP_ADVICE = (
    "Start every job with `tg.create_task(job())` inside `async with asyncio.TaskGroup() as tg:`. When a child "
    "fails, the group cancels the others and waits for them to end before the error leaves the block. Neither "
    "asyncio.gather nor a task from asyncio.create_task is cancelled for you."
)
PARTIAL_ADVICE = (
    "Run the jobs in an `asyncio.TaskGroup`, catch its errors outside the `async with` (`except* Exception:`), "
    "then ask each task what happened: `task.cancelled()`, `task.exception()`, `task.result()`. "
    "`asyncio.gather(..., return_exceptions=True)` lets every job run to its end."
)
RETRY_ADVICE = (
    "Run each batch in an `asyncio.TaskGroup`, so that a failure cancels the rest of its batch before the next "
    "batch starts, and put `except* ValueError:` around it, inside a loop of attempts."
)
NESTED_ADVICE = (
    "Give each group its own TaskGroup, in a coroutine that catches that group's failure (`except* Exception:`) "
    "and returns None, and run those coroutines in one outer TaskGroup: a failure then stops at its group's edge."
)
BEYOND_THE_GROUP_ADVICE = (
    "Some jobs were cancelled at the deadline and others were not: cancelling a task group reaches its own "
    "children only. Start every job with `tg.create_task(job())` in the group that waits for it; a task from "
    "asyncio.create_task belongs to no group."
)
DEADLINE_ADVICE = (
    "Put one deadline around the outer task group: `async with asyncio.timeout(timeout):` (or "
    "`asyncio.wait_for(...)` on the coroutine that runs it). At the deadline it cancels the group, which cancels "
    "every child and waits for their `finally:` blocks. `asyncio.wait(..., timeout=...)` only stops waiting."
)
WAIT_CANCELLED_ADVICE = (
    "Your deadline cancels code that waits in `asyncio.wait(...)`, and cancelling that wait leaves the Tasks it waited "
    "for running. Run the jobs in a TaskGroup, which cancels its children when it is cancelled, or cancel the Tasks "
    "yourself on the way out (`finally:`) and wait for them."
)


def raised_by_a_task_group(error: BaseException) -> bool:
    """Whether a TaskGroup raised `error` (the innermost frame of its traceback is asyncio's taskgroups module)."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and Path(frames[-1].filename).name == "taskgroups.py"


# run_all


async def test_run_all_returns_the_results_in_order(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    count = rng.randint(3, 6)
    durations = rng.sample(DURATIONS, count)
    if durations == sorted(durations):
        durations.reverse()  # so that finishing order is never argument order
    results = rng.sample(range(100, 1000), count)
    jobs = [Job(recorder, job_label(i), d, r) for i, (d, r) in enumerate(zip(durations, results))]
    outcome, elapsed = await timed_outcome(learner, "run_all", jobs)
    after = await settle(recorder)
    if outcome.error is not None:
        escaped(learner, "run_all", outcome.error, jobs, timeline=after.timeline)
    checks.returned("run_all", outcome.value, list, tr("a list of results"))
    checks.same_results("run_all", outcome.value, results, recorder)
    checks.on_loop_thread("run_all", learner, recorder)
    spans = recorder.spans
    if (len(spans) == count and recorder.max_in_flight == count and all(s.state == "done" for s in spans)
            and elapsed > max(durations) + TOLERANCE):
        # Every job ran at once and to its end, and the call went on after the last: it looked at them late.
        first = min(s.start for s in spans)
        last = max(s.end or 0 for s in spans) - first
        fail(
            tr("`run_all` returned {after} after its last job had ended.", after=seconds(elapsed - last)),
            observed=tr("every job ran at once, and the last of them ended at {end}; run_all returned only at "
                        "{returned}, when nothing happened.", end=seconds(last), returned=seconds(elapsed)),
            expected=tr("the results returned the moment the last job ends, at {end}.", end=seconds(last)),
            timeline=after.timeline,
            advice=tr("Wait on the tasks themselves, not on the clock: the `async with asyncio.TaskGroup()` block ends "
                      "the moment its last task does. Code that sleeps and looks again (`while ...: await "
                      "asyncio.sleep(...)`) sees the end only at its next look."),
        )
    checks.ran_concurrently("run_all", recorder, elapsed, max(durations), advice=tr(
        "Create every task first and only then wait: inside `async with asyncio.TaskGroup() as tg:`, "
        "`tasks = [tg.create_task(job()) for job in jobs]`; the block waits for all of them as it ends. "
        "`await tg.create_task(job())` in a loop waits for each job before starting the next."))
    ended_by_then("run_all", outcome, after)


async def test_run_all_cancels_the_others_when_a_job_fails(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, _ = failing_batch(rng, recorder, [(JobFailed,)])
    start = loop_clock()
    outcome = await called(learner, "run_all", jobs)
    after = await settle(recorder)
    ran_the_jobs("run_all", recorder, learner, outcome, jobs)
    checks.on_loop_thread("run_all", learner, recorder)
    cancelled_at_each_failure("run_all", recorder.spans, start, after.timeline, tr(GROUP_ADVICE), cause=ran_on("run_all"))
    checks.all_finished("run_all", recorder)
    ended_by_then("run_all", outcome, after)
    # One job failed: the caller still gets an ExceptionGroup (holding that one failure), as a TaskGroup raises it.
    failing = next((j for j in jobs if any(outcome.error is e for e in j.raised)), None)
    if failing is not None:  # the very exception of a job, bare
        fail(
            tr("`run_all` raised the {kind} of {job} bare, not in an ExceptionGroup.", kind=type(outcome.error).__name__,
               job=failing.label),
            observed=tr("{job} failed alone; what reached the caller was its own exception.", job=failing.label),
            expected=tr("an ExceptionGroup holding every failure, one or several, as `async with asyncio.TaskGroup()` "
                        "raises it: the caller handles it with `except*`."),
            timeline=after.timeline,
            advice=tr("Let the TaskGroup's ExceptionGroup go on as it is. Taking a lone failure out of it (`raise "
                      "eg.exceptions[0]`) changes what the caller must catch with the number of failures."),
        )


async def test_run_all_raises_an_exception_group_of_every_failure(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, moment = failing_batch(rng, recorder, [(JobFailed,), (JobFailed,)])
    start = loop_clock()
    outcome = await called(learner, "run_all", jobs)
    after = await settle(recorder)
    timeline = after.timeline
    ran_the_jobs("run_all", recorder, learner, outcome, jobs)
    failing = [j for j in jobs if j.raised]
    raised = [e for j in failing for e in j.raised]
    blanks = {"failed": listed(j.label for j in failing), "at": seconds(moment)}
    error = outcome.error
    expected = tr("an ExceptionGroup holding the JobFailed of every job that failed ({failed}), as "
                  "`async with asyncio.TaskGroup()` raises it.", **blanks)
    if error is None:
        fail(
            tr("`run_all` returned {value} although {failed} failed.", value=show(outcome.value), **blanks),
            observed=tr("{failed} raised JobFailed at {at}, and `run_all` returned as if nothing had gone wrong.",
                        **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("Let the task group's ExceptionGroup reach the caller: no try/except around it in run_all."),
        )
    if not isinstance(error, BaseExceptionGroup):
        if not any(error is e for e in raised):
            learner.fail_raised("run_all", error)
        fail(
            tr("`run_all` raised JobFailed on its own, not inside an ExceptionGroup."),
            observed=tr("{failed} failed at the same moment ({at}); only one JobFailed came out, bare.", **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("A TaskGroup gathers every child's error into one ExceptionGroup; asyncio.gather raises only "
                      "the first. Without a TaskGroup, build the group yourself: "
                      "`raise ExceptionGroup(\"jobs failed\", errors)`."),
        )
    inside = leaves(error)
    missing = [j.label for j in failing if not any(e is leaf for e in j.raised for leaf in inside)]
    late = outlived(recorder.spans, start + moment)
    if missing and late:
        # Jobs ran on past the failures: they were no task group's children (a group cancels the rest), and what
        # came out holds the error the code met first. The cause test_run_all_cancels_the_others_when_a_job_fails
        # tells, seen here from the errors' side.
        fail(
            tr("`run_all`'s ExceptionGroup left out the error of {missing}.", missing=listed(missing)),
            observed=tr("{failed} failed at the same moment ({at}), but the group held {held}, and {labels} ran on "
                        "after them: nothing cancelled them, so the jobs were not children of the task group, which "
                        "cancels the others when one fails and puts every child's error in its ExceptionGroup.",
                        held=plural(len(inside), "exception"), count=len(inside), labels=labels(late), **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("Start every job with `tg.create_task(job())` inside `async with asyncio.TaskGroup() as tg:`. A "
                      "task from asyncio.create_task belongs to no group, even when it is created inside the block: "
                      "nothing cancels it, and awaiting it raises its own error alone."),
            cause=ran_on("run_all"),
        )
    if missing:
        fail(
            tr("`run_all`'s ExceptionGroup left out the error of {missing}.", missing=listed(missing)),
            observed=tr("{failed} failed at the same moment ({at}), but the group held {held}.",
                        held=plural(len(inside), "exception"), count=len(inside), **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("Collect the exception of every task that failed, not only the first one: the ExceptionGroup "
                      "of `async with asyncio.TaskGroup()` holds them all."),
        )
    foreign = [leaf for leaf in inside if not any(leaf is e for e in raised)]
    if foreign:
        fail(
            tr("`run_all`'s ExceptionGroup held {foreign}, which no job raised.",
               foreign=listed(repr(e) for e in foreign)),
            expected=expected,
            advice=tr("Put the jobs' own exception objects in the group, and nothing else: a cancelled job is not "
                      "a failure to report."),
        )
    twice = [j for j in failing if sum(1 for leaf in inside for e in j.raised if leaf is e) > 1]
    if twice:
        # A child's error raised again in the group's own block (awaiting the child there, or a gather of the
        # children): the group adds the block's error to its children's, so that one failure is in it twice.
        names = learner.names_reached("run_all")
        gathered = "gather" in names
        by_hand = "TaskGroup" not in names  # no task group: the code built the group itself, and counted one twice
        fail(
            tr("`run_all`'s ExceptionGroup held the error of {twice} more than once.",
               twice=listed(j.label for j in twice)),
            observed=tr("{failed} failed at the same moment ({at}), and the group held {held}, those of {errors} "
                        "in that order.", held=plural(len(inside), "exception"), count=len(inside),
                        errors=listed(next((label for j in failing if (label := j.tried(leaf))), type(leaf).__name__)
                                      for leaf in inside), **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("Your code builds the ExceptionGroup itself: take each failed Task's exception once, from one "
                      "list of the Tasks (not from `done` and from all of them), or let `async with "
                      "asyncio.TaskGroup() as tg:` build the group for you.") if by_hand
            else tr("`await asyncio.gather(*tasks)` inside the `async with` block raises the first failure in the "
                    "block itself, and the task group adds an error from its own block to those of its children: "
                    "that failure is then in the group twice. Let the block end on its own, and read each "
                    "`task.result()` after it.") if gathered
            else tr("Awaiting a child task inside the `async with` block raises its error in the block itself, and "
                    "the task group adds an error from its own block to those of its children: that failure is then "
                    "in the group twice. Let the block end on its own, and read each `task.result()` after it."),
        )
    ended_by_then("run_all", outcome, after)


# run_partial


async def test_run_partial_reports_what_each_job_did(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    # Two failures at one moment on every draw: the report must hold both, not only the one the group raised first.
    jobs, moment = failing_batch(rng, recorder, [(JobFailed,)] * 2)
    # A result that is falsy, on every draw, from a job done before the failures: `task.exception() or
    # task.result()`, or any test of a result's truth, reports it as None.
    zero = next(j for j in jobs if j.seconds < moment)
    zero.result = 0
    start = loop_clock()
    outcome = await called(learner, "run_partial", jobs)
    after = await settle(recorder)
    timeline = after.timeline
    expected = [j.raised[0] if j.raised else j.result if j.seconds < moment else None for j in jobs]
    blanks = {"expected": repr(expected), "at": seconds(moment), "failed": listed(j.label for j in jobs if j.raised)}
    if outcome.error is not None:
        if not any(leaf is e for leaf in leaves(outcome.error) for j in jobs for e in j.raised):
            escaped(learner, "run_partial", outcome.error, jobs, timeline=timeline)
        done = sum(j.seconds < moment for j in jobs)
        fail(
            tr("`run_partial` raised {kind} instead of reporting what each job did.", kind=type(outcome.error).__name__),
            observed=tr("{failed} failed at {at}; the error came out of run_partial, and the results of the {done} "
                        "that had finished by then were lost.", done=plural(done, "job"), count=done, **blanks),
            expected=tr("{expected}: each job's result, its exception, or None where it was cancelled.", **blanks),
            timeline=timeline,
            advice=tr(PARTIAL_ADVICE),
        )
    ran_the_jobs("run_partial", recorder, learner, outcome, jobs)
    cancelled_at_each_failure("run_partial", recorder.spans, start, timeline, tr(PARTIAL_ADVICE))
    checks.all_finished("run_partial", recorder)
    ended_by_then("run_partial", outcome, after)
    got = outcome.value
    checks.returned("run_partial", got, list, tr("a list of results, exceptions and Nones"))
    if len(got) == len(expected) and all(g is e or g == e for g, e in zip(got, expected)):
        return
    lost = [j.label for j, g, e in zip(jobs, got, expected) if g is None and e is not None and not j.raised]
    if lost == [zero.label] and len(got) == len(expected):
        fail(
            tr("`run_partial` reported None for {job}, which returned 0.", job=zero.label),
            observed=tr("{got}: None for {job}, which finished before {failed} failed at {at}, with the result 0.",
                        got=show(got), job=zero.label, **blanks),
            expected=tr("{expected}: None only where a job was cancelled.", **blanks),
            timeline=timeline,
            advice=tr("A result may be falsy (0, an empty string, an empty list): tell a cancelled task by "
                      "`task.cancelled()` and a failed one by `task.exception() is not None`, and report the result "
                      "as it is. An `... or None`, or any test of a value's truth, turns a result of 0 into None."),
        )
    if lost and len(got) == len(expected):
        fail(
            tr("`run_partial` threw away the results of {jobs} that finished before the failure.",
               jobs=plural(len(lost), "job"), count=len(lost)),
            observed=tr("{got}: None for {lost}, which finished before {failed} failed at {at}.",
                        got=show(got), lost=listed(lost), **blanks),
            expected=tr("{expected}: None only where a job was cancelled.", **blanks),
            timeline=timeline,
            advice=tr(PARTIAL_ADVICE),
        )
    wrong = [(j, g) for j, g in zip(jobs, got) if j.raised and g is not j.raised[0]]
    if wrong and len(got) == len(expected):
        job, entry = wrong[0]
        fail(
            tr("`run_partial` put {entry} where the exception of {job} should be.", entry=show(entry), job=job.label),
            expected=tr("{job} failed, so its entry is the JobFailed it raised (the object itself): {expected}.",
                        job=job.label, **blanks),
            advice=tr("`task.exception()` gives the exception a failed task raised."),
        )
    cancelled_errors = any(isinstance(g, asyncio.CancelledError) for g in got)
    fail(tr("`run_partial` returned the wrong list."), observed=show(got),
         expected=tr("{expected}: each job's result, its exception, or None where it was cancelled.", **blanks),
         timeline=timeline,
         advice=tr("A cancelled job's entry is None, not the CancelledError: check `task.cancelled()` first (then "
                   "`task.exception()`, which raises for a cancelled task, need not be called).")
         if cancelled_errors else None)


# run_retrying


async def test_run_retrying_runs_the_batch_again_after_value_errors(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, moment = failing_batch(rng, recorder, [(ValueError, None)] * rng.randint(1, 2))
    attempts = rng.randint(2, 4)
    start = loop_clock()
    outcome = await called(learner, "run_retrying", jobs, attempts)
    after = await settle(recorder)
    timeline = after.timeline
    flaky = [j for j in jobs if j.plan[0] is ValueError]
    blanks = {"failed": listed(j.label for j in flaky), "at": seconds(moment), "attempts": attempts}
    expected = tr("the whole batch run again, and this time every job succeeds: {results}.",
                  results=repr([j.result for j in jobs]))
    ran_the_jobs("run_retrying", recorder, learner, outcome, jobs)
    batch_together("run_retrying", jobs, start, timeline)
    whole_batches("run_retrying", jobs, timeline)
    error = outcome.error
    if error is not None:
        inside = leaves(error)
        if not all(isinstance(e, ValueError) for e in inside) or any(j.calls > 1 for j in flaky):
            escaped(learner, "run_retrying", error, jobs, timeline=timeline, expected=expected, observed=tr(
                "{failed} raised ValueError at {at} in the first batch, with {attempts} attempts allowed: the batch "
                "was to run again, and in the second batch every job succeeds.", **blanks))
        fail(
            tr("`run_retrying` gave up after the first batch failed with ValueError."),
            observed=tr("{failed} raised ValueError at {at}, and {kind} came out of run_retrying, with {attempts} "
                        "attempts allowed.", kind=type(error).__name__, **blanks),
            expected=expected,
            timeline=timeline,
            advice=gave_up_advice(learner, error),
            cause=GAVE_UP,
        )
    cancelled_at_each_failure("run_retrying", recorder.spans, start, timeline,
                              via_run_all(learner, "run_retrying", RETRY_ADVICE),
                              note=run_all_note(learner, "run_retrying"))
    checks.all_finished("run_retrying", recorder)
    ended_by_then("run_retrying", outcome, after)
    checks.returned("run_retrying", outcome.value, list, tr("a list of results"))
    checks.same_results("run_retrying", outcome.value, [j.result for j in jobs], recorder)


async def test_run_retrying_gives_up_after_the_last_attempt(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    # Two jobs that keep failing, on every draw: a last ExceptionGroup that holds only one of their errors shows.
    jobs, moment = failing_batch(rng, recorder, [(ValueError,)] * 2)
    attempts = rng.randint(2, 4)
    flaky = next(j for j in jobs if j.plan[0] is ValueError)
    blanks = {"attempts": attempts, "failed": listed(j.label for j in jobs if j.plan[0] is ValueError)}
    start = loop_clock()
    try:
        outcome = await called(learner, "run_retrying", jobs, attempts, budget=(attempts + 10) * max(DURATIONS))
    except GraderFailure:
        if flaky.calls <= attempts:
            raise
        fail(
            tr("`run_retrying` never gave up: it had run the batch {batches} times, with {attempts} attempts allowed.",
               batches=flaky.calls, **blanks),
            observed=tr("{failed} raised ValueError in every batch, and the batches went on.", **blanks),
            expected=tr("{attempts} batches in all, then the last batch's ExceptionGroup raised to the caller.",
                        **blanks),
            advice=tr("Count the attempts: `for attempt in range(attempts):`, and re-raise on the last one."),
        )
    after = await settle(recorder)
    timeline = after.timeline
    ran_the_jobs("run_retrying", recorder, learner, outcome, jobs)
    batch_together("run_retrying", jobs, start, timeline)
    whole_batches("run_retrying", jobs, timeline)
    batches = flaky.calls
    if batches != attempts and outcome.error is not None and any(
            not any(j.tried(leaf) for j in jobs) for leaf in leaves(outcome.error)):
        escaped(learner, "run_retrying", outcome.error, jobs, timeline=timeline)  # an error of its own ended it
    if batches != attempts:
        # After one batch, its own ValueErrors out of the call: what the handler did with them is the news, as
        # test_run_retrying_runs_the_batch_again_after_value_errors tells it (GAVE_UP), not the count of attempts.
        first = outcome.error is not None and batches == 1 and all(
            isinstance(leaf, ValueError) and any(leaf is e for j in jobs for e in j.raised)
            for leaf in leaves(outcome.error))
        fail(
            tr("`run_retrying` ran the batch {times}; attempts was {attempts}.", times=plural(batches, "time"),
               count=batches, **blanks),
            observed=tr("{failed} raised ValueError in every batch.", **blanks),
            expected=tr("{attempts} batches in all: the first, and {more} more after ValueErrors.",
                        more=attempts - 1, **blanks),
            timeline=timeline,
            advice=gave_up_advice(learner, outcome.error) if first and outcome.error is not None
            else tr("`for attempt in range(attempts):` runs the batch `attempts` times; re-raise on the last one "
                    "(`if attempt == attempts - 1: raise` inside `except* ValueError:`)."),
            cause=GAVE_UP if first else None,
        )
    error = outcome.error
    expected = tr("the last batch's ExceptionGroup, holding its ValueErrors, raised to the caller.")
    if error is None:
        fail(
            tr("`run_retrying` returned {value} when every batch had failed.", value=show(outcome.value)),
            observed=tr("{failed} raised ValueError in each of the {attempts} batches, and the last batch's errors "
                        "were swallowed.", **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("When no attempt is left, let the errors out: a bare `raise` in `except* ValueError:` on the "
                      "last attempt re-raises them in their ExceptionGroup."),
        )
    cancelled_at_each_failure("run_retrying", recorder.spans, start, timeline,
                              via_run_all(learner, "run_retrying", RETRY_ADVICE),
                              note=run_all_note(learner, "run_retrying"))
    if not isinstance(error, BaseExceptionGroup):
        fail(
            tr("`run_retrying` raised {kind} on its own, not the ExceptionGroup of the last batch.",
               kind=type(error).__name__),
            observed=tr("{failed} raised ValueError in each of the {attempts} batches; what reached the caller "
                        "was {error}.", error=repr(error), **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("When no attempt is left, let the errors out: a bare `raise` in `except* ValueError:` on the "
                      "last attempt re-raises them in their ExceptionGroup."),
            details=learner.format_error(error),
        )
    inside = leaves(error)
    # Jobs that raised in the last batch (by its records: one cancelled there raised nothing in it).
    missing = [j.label for j in jobs if j.calls == batches and batches in j.runs and j.runs[batches].state == "failed"
               and j.raised and not any(j.raised[-1] is leaf for leaf in inside)]
    if missing:
        fail(
            tr("`run_retrying`'s ExceptionGroup left out the ValueError of {missing} in the last batch.",
               missing=listed(missing)),
            observed=tr("{failed} raised ValueError in each of the {attempts} batches; what reached the caller "
                        "was {error}.", error=repr(error), **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("Collect the exception of every task that failed, not only the first one. "
                      "`async with asyncio.TaskGroup()` does it for you."),
        )
    earlier = [label for j in jobs for e, label, call in zip(j.raised, j.raised_in, j.raised_at)
               if call < batches and any(e is leaf for leaf in inside)]
    if earlier:
        fail(
            tr("`run_retrying`'s ExceptionGroup held errors of earlier batches too: {earlier}.", earlier=listed(earlier)),
            observed=tr("{failed} raised ValueError in each of the {attempts} batches; what reached the caller "
                        "was {error}.", error=repr(error), **blanks),
            expected=tr("the last batch's ExceptionGroup, holding its ValueErrors, raised to the caller: the earlier "
                        "batches' errors were retried, and are over."),
            timeline=timeline,
            advice=tr("Raise the last batch's group as it is: a bare `raise` in `except* ValueError:` on the last "
                      "attempt. Errors kept from every batch (a list that grows at each attempt) tell the caller "
                      "of failures that were already retried."),
        )
    checks.all_finished("run_retrying", recorder)
    ended_by_then("run_retrying", outcome, after)


def first_batch(value_error: Job, broken: Job, origin: float, jf_batch: int | None) -> str:
    """What the records show of the first batch of run_retrying, for `value_error` (ValueError on its first call) and
    `broken` (JobFailed on every call), and of the batch in which `broken` first raised (`jf_batch`, None if never),
    where that was not simply both raising in the first batch."""

    def fate(job: Job, kind: str) -> str:
        run = job.runs.get(1)
        if run is None:
            return tr("{job} never started", job=job.label)
        at = seconds((run.end or 0) - origin)
        if run.state == "failed":
            return tr("{job} raised {kind} at {at}", job=job.label, kind=kind, at=at)
        if run.state == "cancelled":
            return tr("{job} was cancelled at {at}, before it raised {kind}", job=job.label, kind=kind, at=at)
        return tr("{job} was still running", job=job.label)

    seen = tr("in the first batch, {first}, and {second}.", first=fate(value_error, "ValueError"),
              second=fate(broken, "JobFailed"))
    if jf_batch is None:
        return sentences(seen, tr("{jf} raised JobFailed in no batch.", jf=broken.label))
    if jf_batch > 1:
        return sentences(seen, tr("{jf} raised JobFailed only in batch {n}.", jf=broken.label, n=jf_batch))
    return seen


async def test_run_retrying_lets_other_errors_through(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, moment = failing_batch(rng, recorder, [(ValueError, None), (JobFailed,)])
    # 3 or more: code that cancels the failing job at the very moment its work ends, before it raises, retries that
    # batch rightly, and still has an attempt left after the batch in which the JobFailed is raised.
    attempts = rng.randint(3, 4)
    start = loop_clock()
    outcome = await called(learner, "run_retrying", jobs, attempts)
    after = await settle(recorder)
    timeline = after.timeline
    value_error = next(j for j in jobs if j.plan[0] is ValueError)
    broken = next(j for j in jobs if j.plan[0] is JobFailed)
    ran_the_jobs("run_retrying", recorder, learner, outcome, jobs)
    batch_together("run_retrying", jobs, start, timeline)
    # Jobs of the first batch left running past its failures: the batch was not run so that a failure
    # cancels the rest, which also means that what came out of it was not a task group's ExceptionGroup.
    ran_on = outlived([j.runs[1] for j in jobs if 1 in j.runs], start + moment)
    error = outcome.error
    bare = error is not None and not isinstance(error, BaseExceptionGroup)
    blanks = {"ve": value_error.label, "jf": broken.label, "at": seconds(moment), "count": broken.calls,
              "labels": labels(ran_on), "value": show(outcome.value)}
    # The batch in which the JobFailed was first raised, by the records: a job cancelled at the very moment its work
    # ended raised nothing, and a batch run again after that one retried no JobFailed. Where both errors were raised
    # in the first batch (as a task group, or any code that waits on the tasks, lets them be), the messages say so;
    # otherwise they tell what the records show, batch by batch.
    jf_batch = next((n for n in sorted(broken.runs) if broken.runs[n].state == "failed"), None)
    plain = jf_batch == 1 and 1 in value_error.runs and value_error.runs[1].state == "failed"
    seen = "" if plain else first_batch(value_error, broken, start, jf_batch)
    expected = tr("no second batch: only ValueErrors are worth another try, so the JobFailed of {jf} reaches the "
                  "caller at once, in an ExceptionGroup.", **blanks) if jf_batch in (1, None) \
        else tr("no batch after batch {n}, in which {jf} raised JobFailed: only ValueErrors are worth another try, so "
                "the JobFailed reaches the caller at once, in an ExceptionGroup.", n=jf_batch, **blanks)
    if jf_batch is not None and broken.calls > jf_batch:
        times = plural(broken.calls, "time")
        if error is None:
            observed = tr("in the first batch {ve} raised ValueError and {jf} raised JobFailed, both at {at}; your code "
                          "ran the batch {times}, and in the end returned {value}: the JobFailed of every batch was "
                          "caught, and no error reached the caller.", times=times, **blanks) if plain \
                else sentences(seen, tr("Your code ran the batch {times}, and in the end returned {value}: no error "
                                        "reached the caller.", times=times, **blanks))
            advice = tr("Something caught the JobFailed along with the ValueErrors, and the loop went on: "
                        "`except Exception:` around the group catches the whole ExceptionGroup, and an "
                        "`except* Exception:` (or any `except*` that matches JobFailed) that does not raise again "
                        "swallows what `except* ValueError:` left. Keep `except* ValueError:` alone, and let the rest "
                        "of the group travel on.")
        elif ran_on:
            observed = tr("in the first batch {ve} raised ValueError and {jf} raised JobFailed, both at {at}; {labels} "
                          "ran on after them, and your code ran the batch {times}.", times=times, **blanks) if plain \
                else sentences(seen, tr("Your code ran the batch {times}.", times=times))
            advice = tr("Jobs that run on after a failure are not a task group's children: a batch run with "
                        "asyncio.gather, or with tasks from asyncio.create_task awaited one by one, cancels nothing "
                        "and raises only its first error (on its own, or alone in a group when awaited inside the "
                        "TaskGroup's block). Where that was the ValueError, the JobFailed beside it never reached your "
                        "`except`, and the batch ran again. Start every job with `tg.create_task(job())`: the group "
                        "cancels the rest and raises one ExceptionGroup with both, from which `except* ValueError:` "
                        "takes the ValueErrors and lets the JobFailed through.")
        else:
            observed = tr("in the first batch {ve} raised ValueError and {jf} raised JobFailed, both at {at}; your code "
                          "ran the batch {times}.", times=times, **blanks) if plain \
                else sentences(seen, tr("Your code ran the batch {times}.", times=times))
            advice = tr("`except* ValueError:` handles the ValueErrors alone and lets the rest of the group travel on. "
                        "`except Exception:` retries every error, and so does a check of one error of the group (its "
                        "first, or whether it holds a ValueError at all): retry only when every error in it is a "
                        "ValueError.")
        fail(tr("`run_retrying` ran the batch again after a JobFailed."), observed=observed, expected=expected,
             timeline=timeline, advice=advice)
    if jf_batch is None:
        # No JobFailed was ever raised, so nothing here tells how the code handles one: what the records show.
        cancelled_at_each_failure("run_retrying", recorder.spans, start, timeline,
                                  via_run_all(learner, "run_retrying", RETRY_ADVICE),
                                  note=run_all_note(learner, "run_retrying"))
        fail(
            tr("`run_retrying` ran no batch in which {jf} raised its JobFailed.", **blanks),
            observed=sentences(seen, tr("What reached the caller was {error}.", error=repr(error)) if error is not None
                               else tr("In the end it returned {value}.", **blanks)),
            expected=expected,
            timeline=timeline,
        )
    if error is None:
        fail(
            tr("`run_retrying` swallowed the JobFailed of {jf}: it returned {value}.", **blanks),
            observed=tr("in the first batch {ve} raised ValueError and {jf} raised JobFailed, both at {at}; no error "
                        "reached the caller.", **blanks) if plain
            else sentences(seen, tr("No error reached the caller.")),
            expected=expected,
            timeline=timeline,
            advice=tr("Handle only the errors you were asked to: `except* ValueError:`. Any `except* Exception:` or "
                      "`except Exception:` that does not re-raise swallows every other error too."),
        )
    if not any(leaf is e for leaf in leaves(error) for e in broken.raised):
        if bare and not isinstance(error, (ValueError, JobFailed)):
            learner.fail_raised("run_retrying", error)
        fail(
            tr("`run_retrying` raised {kind}, without the JobFailed of {jf}.", kind=type(error).__name__, **blanks),
            observed=tr("in the first batch {ve} raised ValueError and {jf} raised JobFailed, both at {at}; what "
                        "reached the caller was {error}.", error=repr(error), **blanks) if plain
            else sentences(seen, tr("What reached the caller was {error}.", error=repr(error))),
            expected=expected,
            timeline=timeline,
            advice=tr("`except* ValueError:` takes the ValueErrors out of the group and re-raises the rest for you."),
        )
    if bare and ran_on:
        fail(
            tr("`run_retrying` raised JobFailed on its own, not inside an ExceptionGroup."),
            observed=tr("in the first batch {ve} raised ValueError and {jf} raised JobFailed, both at {at}; {labels} "
                        "ran on after them, and the JobFailed came out bare.", **blanks) if plain
            else sentences(seen, tr("The JobFailed came out bare.")),
            expected=expected,
            timeline=timeline,
            advice=tr("A batch run with asyncio.gather, or with tasks from asyncio.create_task awaited one by one, "
                      "cancels nothing and raises only its first error, on its own, not in an ExceptionGroup; "
                      "`except* ValueError:` lets a bare error it does not match through as it is, bare. Run each "
                      "batch in `async with asyncio.TaskGroup() as tg:`: it cancels the rest and raises an "
                      "ExceptionGroup, from which `except* ValueError:` takes the ValueErrors and re-raises the rest, "
                      "still in a group."),
        )
    if bare:
        fail(
            tr("`run_retrying` raised JobFailed on its own, not inside an ExceptionGroup."),
            observed=tr("in the first batch {ve} raised ValueError and {jf} raised JobFailed, both at {at}; the "
                        "JobFailed came out bare.", **blanks) if plain
            else sentences(seen, tr("The JobFailed came out bare.")),
            expected=expected,
            timeline=timeline,
            advice=tr("Let the task group's ExceptionGroup travel on: `except* ValueError:` re-raises what it does "
                      "not handle in an ExceptionGroup."),
        )
    cancelled_at_each_failure("run_retrying", recorder.spans, start, timeline,
                              via_run_all(learner, "run_retrying", RETRY_ADVICE),
                              note=run_all_note(learner, "run_retrying"))
    checks.all_finished("run_retrying", recorder)
    ended_by_then("run_retrying", outcome, after)


# run_groups


def one_call_of(learner: Learner, name: str, jobs: Sequence[Job]) -> bool:
    """Whether the first call of every job in `jobs` was made inside one and the same call of the learner's function
    `name` (that function on the way there, in one frame)."""
    function = inspect.unwrap(getattr(learner.module, name, None) or (lambda: None))
    code = getattr(function, "__code__", None)
    frames = set()
    for job in jobs:
        found = [frame for c, frame in job.callers.get(1, []) if c is code]
        if code is None or not found:
            return False
        frames.add(found[0])
    return len(frames) == 1


def via_run_all(learner: Learner, name: str, advice: str) -> str:
    """`advice` in the learner's language, and, if the function `name` runs its jobs with the learner's run_all, a
    word on it: the jobs left running may be run_all's, and its own graders then say why."""
    return sentences(tr(advice), run_all_note(learner, name))


def run_all_note(learner: Learner, name: str) -> str:
    """If the function `name` runs its jobs with the learner's run_all, a word on it (else ""): the jobs left running
    may be run_all's, and its own graders then say why."""
    if "run_all" not in learner.names_reached(name):
        return ""
    return tr("Your {name} runs its jobs with your run_all: if run_all's own graders fail too, fix it first. A run_all "
              "that starts its jobs outside a TaskGroup, or does not wait for the tasks it cancels, leaves them "
              "running here as well.", name=name)


def make_groups(rng: random.Random, recorder: Recorder, sizes: Sequence[int]) -> list[list[Job]]:
    return [
        [Job(recorder, job_label(i, g), rng.choice(DURATIONS), rng.randint(100, 999)) for i in range(size)]
        for g, size in enumerate(sizes)
    ]


async def test_run_groups_keeps_a_failure_inside_its_group(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    count = rng.randint(3, 4)
    broken = rng.randrange(count)
    groups = make_groups(rng, recorder, [rng.randint(2, 3) for _ in range(count)])
    groups[broken], moment = failing_batch(rng, recorder, [(JobFailed,)], group=broken)
    for group in groups:
        for job in group:
            if job.seconds == moment and not job.plan[0]:
                job.seconds += 0.5  # nothing else ends at the moment of the failure
    other = rng.choice([g for g in range(count) if g != broken])
    rng.choice(groups[other]).seconds = rng.choice([d for d in DURATIONS if d > moment])  # one runs past it
    timeout = max(j.seconds for group in groups for j in group) + rng.choice([0.75, 1.25, 2.25])
    expected = [None if g == broken else [j.result for j in group] for g, group in enumerate(groups)]
    start = loop_clock()
    outcome = await called(learner, "run_groups", groups, timeout)
    after = await settle(recorder)
    timeline = after.timeline
    mine = [s for j in groups[broken] for s in j.runs.values()]
    theirs = [s for s in recorder.spans if all(s is not m for m in mine)]
    cancelled = [s for s in theirs if s.state == "cancelled"]
    failed = next((j.label for j in groups[broken] if j.raised), "")
    blanks = {"failed": failed, "at": seconds(moment), "g": broken, "expected": repr(expected)}
    late = [s for s in recorder.spans if s.start > start + TOLERANCE]
    if late:
        fail(
            tr("`run_groups` did not start every job at once."),
            observed=tr("{label} started only {after} after the call began: it waited for its turn.",
                        label=late[0].label, after=seconds(late[0].start - start)),
            expected=tr("every group, and every job in it, started at once."),
            timeline=timeline,
            advice=tr("Start every group before waiting for any: one `tg.create_task(...)` per group inside an outer "
                      "`async with asyncio.TaskGroup() as tg:`."),
        )
    if outcome.error is not None:
        if not any(leaf is e for leaf in leaves(outcome.error) for j in groups[broken] for e in j.raised):
            escaped(learner, "run_groups", outcome.error, [j for group in groups for j in group], timeline=timeline)
        fail(
            tr("`run_groups` let the failure in group {g} out: it raised {kind}.", kind=type(outcome.error).__name__,
               **blanks),
            observed=tr("{failed} failed at {at}; the error came out of run_groups, and the jobs of the other groups "
                        "were cancelled with it.", **blanks) if cancelled
            else tr("{failed} failed at {at}; the error came out of run_groups, and the results of the other groups "
                    "were lost.", **blanks),
            expected=tr("{expected}: None for group {g}, whose other jobs are cancelled, and the results of the other "
                        "groups, which go on.", **blanks),
            timeline=timeline,
            advice=tr(NESTED_ADVICE),
        )
    # The broken group's jobs, all started in one call of the learner's run_all: that call is what let them run on,
    # and run_groups already gives the group a call of its own.
    group_advice = sentences(
        tr("Your run_groups runs group {g} with one call of your run_all, and that call let its jobs run on after "
           "{failed} failed: fix run_all first (its own graders say more).", **blanks), tr(GROUP_ADVICE)) \
        if one_call_of(learner, "run_all", groups[broken]) else via_run_all(learner, "run_groups", NESTED_ADVICE)
    cancelled_at_each_failure("run_groups", mine, start, timeline, group_advice,
                              note=run_all_note(learner, "run_groups"))
    if cancelled:
        fail(
            tr("`run_groups` cancelled {jobs} of other groups when {failed} failed.",
               jobs=plural(len(cancelled), "job"), count=len(cancelled), **blanks),
            observed=tr("cancelled at {at}, though nothing had failed in their groups: {labels}.",
                        labels=labels(cancelled), **blanks),
            expected=tr("the failure stopping at the edge of group {g}: the other groups run to their end.", **blanks),
            timeline=timeline,
            advice=tr(NESTED_ADVICE),
        )
    checks.all_finished("run_groups", recorder)
    ended_by_then("run_groups", outcome, after)
    checks.returned("run_groups", outcome.value, list, tr("a list with a list of results (or None) for each group"))
    if outcome.value != expected:
        fail(
            tr("`run_groups` returned {got}.", got=show(outcome.value)),
            expected=tr("{expected}: None for group {g}, whose other jobs are cancelled, and the results of the other "
                        "groups, which go on.", **blanks),
            timeline=timeline,
        )


async def test_run_groups_cancels_everything_at_the_deadline(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    while True:
        groups = make_groups(rng, recorder, [rng.randint(2, 3) for _ in range(rng.randint(2, 4))])
        durations = [j.seconds for group in groups for j in group]
        cuts = [d + 0.25 for d in DURATIONS if min(durations) <= d < max(durations)]
        if cuts:
            break
    timeout = rng.choice(cuts)  # some jobs are done by then, some still running
    start = loop_clock()
    outcome = await called(learner, "run_groups", groups, timeout)
    elapsed = loop_clock() - start
    after = await settle(recorder)
    timeline, running = after.timeline, after.running
    late = outlived(recorder.spans, start + timeout)
    finished = [s for s in late if s.end is not None]
    blanks = {"timeout": seconds(timeout), "elapsed": seconds(elapsed), "jobs": plural(len(late), "job"),
              "count": len(late), "labels": labels([s for s in late if s.end is None] or late),
              "finished": labels(finished)}
    expected = tr("TimeoutError raised at the {timeout} deadline, once every job still running then has been "
                  "cancelled (x on the timeline) and its `finally:` cleanup has run.", **blanks)
    error = outcome.error
    if error is None:
        fail(
            tr("`run_groups` returned {value} instead of raising TimeoutError at the {timeout} deadline.",
               value=show(outcome.value), **blanks),
            observed=tr("it waited for every job, past the deadline: the call took {elapsed}.", **blanks)
            if elapsed > timeout + TOLERANCE
            else tr("some jobs were still running at the deadline, and it returned a value all the same.", **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr(DEADLINE_ADVICE),
        )
    if isinstance(error, BaseExceptionGroup) and all(isinstance(e, TimeoutError) for e in leaves(error)):
        fail(
            tr("`run_groups` raised an ExceptionGroup of TimeoutErrors, not TimeoutError.") if len(leaves(error)) > 1
            else tr("`run_groups` raised its TimeoutError inside an ExceptionGroup."),
            observed=tr("each group ran out of time on its own, and the outer group gathered their TimeoutErrors.")
            if len(leaves(error)) > 1
            # One TimeoutError, wrapped: a deadline inside an outer TaskGroup's block raises it there, and the group
            # raises it on in an ExceptionGroup (the group's own __aexit__ is where the traceback ends) ...
            else tr("one TimeoutError came out inside an ExceptionGroup: the deadline ran out inside a TaskGroup's "
                    "block, and the group wrapped it as it wraps every error of its block.") if raised_by_a_task_group(error)
            # ... or an `except*` clause raised again what it caught, which comes out as a group, a lone error too.
            else tr("one TimeoutError came out inside an ExceptionGroup, which no TaskGroup raised: an `except*` "
                    "clause that raises again (`except* TimeoutError: raise`) hands on what it caught as an "
                    "ExceptionGroup, even a lone TimeoutError."),
            expected=expected,
            timeline=timeline,
            advice=tr(DEADLINE_ADVICE) if len(leaves(error)) > 1 or raised_by_a_task_group(error)
            else tr("Let the TimeoutError reach the caller as it is: with the deadline outermost, `async with "
                    "asyncio.timeout(timeout):` around the task group, nothing needs to catch it, and an `except*` "
                    "around that block wraps it in a group."),
        )
    if not isinstance(error, TimeoutError):
        escaped(learner, "run_groups", error, [j for group in groups for j in group], timeline=timeline)
    if late:
        stopped = [s for s in recorder.spans if s.state == "cancelled" and abs((s.end or 0) - start - timeout) <= TOLERANCE]
        if running and finished:  # every one of them named: some ran to their end, some were still running
            observed = (tr("{finished} went on after the {timeout} deadline, to the end, and {labels} was still "
                           "running after TimeoutError had reached the caller: nothing cancelled them.", **blanks)
                        if len(running) == 1
                        else tr("{finished} went on after the {timeout} deadline, to the end, and {labels} were still "
                                "running after TimeoutError had reached the caller: nothing cancelled them.", **blanks))
        elif running:
            observed = (tr("still running after TimeoutError had reached the caller: {labels}. Its `finally:` cleanup "
                           "had not run.", **blanks) if len(running) == 1
                        else tr("still running after TimeoutError had reached the caller: {labels}. Their `finally:` "
                                "cleanup had not run.", **blanks))
        else:
            observed = (tr("{labels} went on after the {timeout} deadline, to the end: nothing cancelled it.", **blanks)
                        if len(late) == 1
                        else tr("{labels} went on after the {timeout} deadline, to the end: nothing cancelled them.",
                                **blanks))
        if not stopped and abs(elapsed - timeout) <= TOLERANCE and "shield" in learner.names_reached("run_groups"):
            # The deadline fired on time, yet cancelled nothing: what it cancelled was a shield's outer future.
            advice = tr("Your run_groups calls asyncio.shield: the deadline fired, and TimeoutError came out on time, "
                        "but cancelling a shield does not cancel the task inside it, so the groups ran on with nobody "
                        "waiting for them. Leave the shield out: `async with asyncio.timeout(timeout):` around the "
                        "outer task group cancels the group at the deadline, and with it every group and job inside.")
        elif not stopped and abs(elapsed - timeout) <= TOLERANCE and "wait" in (names := learner.names_reached(
                "run_groups")) and names & {"wait_for", "timeout", "timeout_at"} and "TaskGroup" not in names:
            # TimeoutError on time, nothing cancelled, a deadline that cancels, and the jobs waited for with
            # asyncio.wait: cancelled, that wait let go of them.
            advice = via_run_all(learner, "run_groups", WAIT_CANCELLED_ADVICE)
        else:
            advice = via_run_all(learner, "run_groups", BEYOND_THE_GROUP_ADVICE if stopped else DEADLINE_ADVICE)
        fail(
            tr("`run_groups` left {jobs} running after the {timeout} deadline.", **blanks),
            observed=observed,
            expected=expected,
            timeline=timeline,
            advice=advice,
        )
    if abs(elapsed - timeout) > TOLERANCE:
        fail(
            tr("`run_groups` raised TimeoutError after {elapsed}; the deadline was {timeout}.", **blanks),
            expected=expected,
            timeline=timeline,
            advice=tr("Use the `timeout` you were given, once, around all the groups together."),
        )
    ended_by_then("run_groups", outcome, after)
    # A timeout of 0, on every draw: no time at all, so TimeoutError at once, and nothing left running (`timeout or
    # None` gives no deadline instead, and `if not timeout:` a way out of its own).
    zero = Recorder()
    groups = make_groups(rng, zero, [rng.randint(2, 3) for _ in range(2)])
    start = loop_clock()
    outcome = await called(learner, "run_groups", groups, 0)
    elapsed = loop_clock() - start
    after = await settle(zero)
    if outcome.error is not None and not isinstance(outcome.error, TimeoutError):
        escaped(learner, "run_groups", outcome.error, [j for group in groups for j in group], timeline=after.timeline)
    if isinstance(outcome.error, TimeoutError) and elapsed >= checks.AT_ONCE:
        fail(tr("`run_groups` raised TimeoutError after {elapsed} for a timeout of 0.", elapsed=seconds(elapsed)),
             expected=tr("TimeoutError at once: a timeout of 0 leaves the jobs no time."),
             timeline=after.timeline,
             advice=tr(checks.ZERO_FLOOR_ADVICE))
    if outcome.error is None:
        blanks = {"elapsed": seconds(elapsed), "value": show(outcome.value)}
        fail(
            tr("`run_groups` returned {value} for a timeout of 0.", **blanks),
            observed=tr("it took {elapsed}: the jobs ran as if there were no deadline.", **blanks)
            if elapsed > TOLERANCE else None,
            expected=tr("TimeoutError at once: a timeout of 0 leaves the jobs no time."),
            timeline=after.timeline,
            advice=tr(checks.ZERO_ADVICE),
        )
    ended_by_then("run_groups", outcome, after)
