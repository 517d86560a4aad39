"""Checks that several topics' graders share, each failing with a message for humans."""

from __future__ import annotations

import ast
import asyncio
import inspect
import traceback
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .feedback import fail, plural, seconds, shown
from .. import syntax
from ..i18n import tr
from .learner import Learner, Outcome
from .probes import Recorder, loop_clock
from .schedule import TOLERANCE, idle_slot, in_fixed_batches

# Seconds of loop time that count as a wait where a call must end at once (a timeout of 0, a Task handed back): on the
# virtual clock that takes no time at all, and half a millisecond is the least `seconds` shows as other than 0.
AT_ONCE = 0.0005
# A timeout of 0 turned into no deadline (topics 04, 10 and 12 try one on every draw). Translated where it is used.
ZERO_ADVICE = ("A timeout of 0 leaves no time at all: pass it on as it is, to `asyncio.wait_for(..., timeout)` or "
               "`asyncio.timeout(timeout)`. `timeout or None` (or `if not timeout:`) turns 0 into no deadline.")
# A timeout of 0 waited out anyway, with a floor or a default of the code's own. Translated where it is used.
ZERO_FLOOR_ADVICE = ("Pass the timeout on as it is, to `asyncio.wait_for(..., timeout)` or `asyncio.timeout(timeout)`, "
                     "with no floor or default of your own: `max(timeout, ...)` or `timeout or ...` waits where there "
                     "is no time.")
# Returning None has two usual causes, a missing `return` or an except block that returns nothing;
# the value alone cannot tell which. Translated where it is used.
NO_RETURN_ADVICE = "Check that every way out of the function ends in a `return` of the result, except blocks included."


def raised_from(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The exception of type `kind` that `error` was raised from (its __cause__ or __context__, however deep), or
    None: the learner's code caught it and raised another in its place."""
    seen: set[int] = set()
    inner = error.__cause__ or error.__context__
    while inner is not None and id(inner) not in seen:
        if isinstance(inner, kind):
            return inner
        seen.add(id(inner))
        inner = inner.__cause__ or inner.__context__
    return None


def returned(name: str, value: Any, kind: type, what: str) -> None:
    """The learner returned something of type `kind` (described as `what`)."""
    __tracebackhide__ = True
    items = value if isinstance(value, list) else []
    unfinished = [item for item in items if inspect.iscoroutine(item) or isinstance(item, asyncio.Future)]
    if isinstance(value, kind) and not unfinished:
        return
    cause = f"returned {name} {type(value).__name__}"  # every grader that reads the value fails for it
    if isinstance(value, asyncio.Future):
        fail(tr("`{name}` returned a Future instead of {what}.", name=name, what=what),
             observed=tr("{value}: a promise of the results; nothing waited for it.", value=shown(value)),
             advice=tr("Put `await` in front of it: `return await asyncio.gather(...)`."), cause=cause)
    if any(isinstance(item, asyncio.Future) for item in unfinished):
        fail(tr("`{name}` returned Tasks instead of their results.", name=name),
             observed=shown(value),
             advice=tr("A Task is the job's handle, not its result: `await asyncio.gather(*tasks)` gives the results "
                       "(or `[task.result() for task in tasks]`, once every task is done)."), cause=cause)
    if unfinished:
        for item in unfinished:
            item.close()  # it will never run: closing it avoids a "never awaited" warning on top
        fail(tr("`{name}` returned coroutine objects instead of the jobs' results.", name=name),
             observed=tr("calling `job()` only creates a coroutine object; none of them ran."),
             advice=tr("Run them and wait for their results: `await asyncio.gather(*(job() for job in jobs))`."),
             cause=cause)
    if value is None:
        fail(tr("`{name}` returned None instead of {what}.", name=name, what=what), advice=tr(NO_RETURN_ADVICE),
             cause=cause)
    iterable = kind is list and hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict))
    fail(tr("`{name}` returned {kind} {value} instead of {what}.", name=name, kind=type(value).__name__,
            value=shown(value), what=what), cause=cause,
         advice=tr("Return a list: `list(...)` makes one of what you have (a {kind} is not a list).",
                   kind=type(value).__name__) if iterable else None)


def earned(name: str, recorder: Recorder, count: int) -> None:
    """Every one of the `count` jobs handed over ran to its end: results or timings that look right
    without that were read off the probes (their result, their length), not earned by running them."""
    __tracebackhide__ = True
    ran = len({s.label for s in recorder.spans if s.end is not None})
    if ran < count:
        fail(tr("`{name}` returned the results without running every job.", name=name),
             observed=tr("{ran} of {count} jobs ran to their end.", ran=ran, count=count),
             expected=tr("each result coming from running its job."),
             advice=tr("Await every job: its result is what running it gives."),
             cause=f"earned {name}")


def ran_as_listed(name: str, recorder: Recorder, jobs: Sequence[Any]) -> None:
    """Each job ran as many times as the list holds it: once, or twice for a job that is in it twice. Workers that
    take the same job (an index moved on only after the await) keep every slot busy and return the right results,
    one job at a time; a dict keyed by the job runs a job listed twice only once."""
    __tracebackhide__ = True
    wanted = Counter(job.label for job in jobs)
    ran = Counter(s.label for s in recorder.spans)
    more = [label for label in wanted if ran[label] > wanted[label]]
    if more:
        label = more[0]
        fail(
            tr("`{name}` ran {label} {times}; the list holds it {held}.", name=name, label=label,
               times=plural(ran[label], "time"), held=plural(wanted[label], "time")),
            observed=tr("{count} runs started for a list of {jobs}.", count=sum(ran.values()),
                        jobs=plural(len(jobs), "job")),
            expected=tr("each job run once for each time it is in the list."),
            timeline=recorder.timeline(),
            advice=tr("Start each job once. Workers sharing the list must take their next job before they await "
                      "(`i = next_index; next_index += 1`, then `await jobs[i]()`), or take it from an asyncio.Queue, "
                      "so that no two of them take the same one."),
            cause=f"ran as listed {name}",
        )
    fewer = [label for label in wanted if 0 < ran[label] < wanted[label]]
    if fewer:
        label = fewer[0]
        fail(
            tr("`{name}` ran {label} once, though the list holds it twice.", name=name, label=label),
            observed=tr("the same job is two entries of the list; it ran once, and that one run gave both results."),
            expected=tr("each entry of the list run: a job that is in it twice runs twice."),
            timeline=recorder.timeline(),
            advice=tr("Run one task per entry of the list, not one per job: a dict keyed by the job, or a set of jobs, "
                      "holds a job listed twice only once."),
            cause=f"ran as listed {name}",
        )


def same_results(name: str, got: Sequence[Any], expected: Sequence[Any], recorder: Recorder, *,
                 given: str | None = None, distinct: int | None = None) -> None:
    """Results match the arguments' order (`given`: what the arguments were, "the jobs you were given" by
    default), with a special word when they came back in finishing order. `distinct`: how many different jobs the
    list holds, where one is in it twice."""
    __tracebackhide__ = True
    if list(got) == list(expected):
        earned(name, recorder, len(expected) if distinct is None else distinct)
        return
    finishing = sorted(recorder.spans, key=lambda s: (s.end is None, s.end, s.label))  # jobs that end together: by name
    one_span_each = len(recorder.spans) == len(expected)  # one run per entry: else finishing order is not theirs alone
    if sorted(map(repr, got)) == sorted(map(repr, expected)):
        fail(
            tr("`{name}` returned the right results in the wrong order.", name=name),
            observed=f"{list(got)!r}",
            expected=tr("{expected}: the same order as {given}.", expected=f"{list(expected)!r}",
                        given=given or tr("the jobs you were given")),
            timeline=recorder.timeline(),
            advice=tr("Results must follow the order of the jobs, not the order they finish in. "
                      "`asyncio.gather` keeps argument order for you; `asyncio.as_completed` does not, nor does the "
                      "`done` set that `asyncio.wait` returns."),
            details=tr("finishing order was: {order}", order=", ".join(s.label for s in finishing)) if one_span_each
            else None,
        )
    lost = [i for i, (g, e) in enumerate(zip(got, expected)) if repr(g) != repr(e)]
    if len(got) == len(expected) and lost and all(got[i] is None and expected[i] is not None and not expected[i]
                                                   for i in lost):
        fail(
            tr("`{name}` turned a falsy result into None: entry {i} should be {value}.", name=name, i=lost[0],
               value=repr(expected[lost[0]])),
            observed=f"{list(got)!r}",
            expected=f"{list(expected)!r}",
            advice=tr("A result of 0, \"\" or False is a result too: keep each result as its job gave it. `result or "
                      "None`, or `if result:`, turns it into None."),
        )
    fail(tr("`{name}` returned the wrong results.", name=name), observed=f"{list(got)!r}", expected=f"{list(expected)!r}")


def ran_concurrently(name: str, recorder: Recorder, elapsed: float, expected: float, *, advice: str) -> None:
    """The jobs all ran at once, so that the whole call took `expected` seconds of loop time. (A few at a time can end
    as soon, when the jobs left waiting are short: the jobs all in flight together is the rule, not the time alone.)"""
    __tracebackhide__ = True
    if abs(elapsed - expected) <= TOLERANCE and recorder.max_in_flight >= len(recorder.spans):
        return
    if not recorder.spans:
        unawaited = recorder.never_awaited()
        fail(
            tr("`{name}` never ran the jobs.", name=name),
            observed=(
                tr("it called {calls} but never awaited the coroutines, so they never started.", calls=", ".join(unawaited))
                if unawaited
                else tr("none of the jobs was called.")
            ),
            expected=tr("every job running, the call taking {expected}.", expected=seconds(expected)),
            advice=advice,
        )
    jobs, most = len(recorder.spans), recorder.max_in_flight
    times = {"name": name, "elapsed": seconds(elapsed), "expected": seconds(expected)}
    if elapsed > expected and most <= 1:
        summary = tr("`{name}` ran the jobs one after another: it took {elapsed} instead of {expected}.", **times)
    elif elapsed > expected:
        summary = tr("`{name}` ran the jobs at most {most} at a time: it took {elapsed} instead of {expected}.",
                     most=most, **times)
    elif elapsed >= expected - TOLERANCE:  # on time, but not all at once
        summary = tr("`{name}` ran the jobs at most {most} at a time.", most=most, **times)
    else:
        summary = tr("`{name}` returned after {elapsed}, before its jobs could have finished ({expected}).", **times)
    cancelled = [s.label for s in recorder.spans if s.state == "cancelled"]
    if elapsed < expected and cancelled:  # the jobs overlapped; some were stopped before their end
        observed = tr("{labels} were cancelled before they finished, and the call returned after {elapsed}.",
                      labels=", ".join(cancelled), elapsed=seconds(elapsed)) if len(cancelled) > 1 \
            else tr("{labels} was cancelled before it finished, and the call returned after {elapsed}.",
                    labels=cancelled[0], elapsed=seconds(elapsed))
        advice = tr("Let every job run to its end: nothing may cancel the others when one fails. A TaskGroup cancels "
                    "them; `asyncio.gather(..., return_exceptions=True)` lets each one finish.")
    elif most <= 1:
        observed = tr("{jobs} ran one after another; the call took {elapsed} of loop time.",
                      jobs=plural(jobs, "job"), count=jobs, elapsed=seconds(elapsed))
    else:
        observed = tr("{jobs} ran at most {most} at a time; the call took {elapsed} of loop time.",
                      jobs=plural(jobs, "job"), count=jobs, most=most, elapsed=seconds(elapsed))
        if elapsed >= expected - TOLERANCE:  # some ran together, so no loop of awaits: something held the others back
            advice = tr("No limit was asked for here: start every job at once. At most {most} at a time means something "
                        "of yours held the rest back: a semaphore, a pool of {most} workers, or batches of {most}.",
                        most=most)
    fail(
        summary,
        observed=observed,
        expected=tr("the jobs overlapping so the call takes {expected}.", expected=seconds(expected)),
        timeline=recorder.timeline(),
        advice=advice,
    )


def on_loop_thread(name: str, learner: Learner, recorder: Recorder) -> None:
    """No threads were used to run coroutine jobs: concurrency must come from the event loop. A thread for other work
    (a file written with asyncio.to_thread, say) runs no job, and is none of this rule's business."""
    __tracebackhide__ = True
    if learner.threads.started:
        recorder.wait_for_other_threads()
    foreign = recorder.off_loop_thread()
    if foreign:
        what = tr("{jobs} ran on another thread.", jobs=plural(len(foreign), "job"), count=len(foreign))
        fail(
            tr("`{name}` used threads to run coroutines.", name=name),
            observed=tr("{what} Coroutines are cheap; the event loop runs them all on one thread.", what=what),
            expected=tr("every job running on the event loop's own thread, and no new threads started."),
            advice=tr("Let the event loop interleave the jobs: create tasks (or use asyncio.gather) instead of threads."),
            cause=f"threads {name}",
        )


def all_finished(name: str, recorder: Recorder) -> None:
    """Nothing was left running in the background when the learner's call returned."""
    __tracebackhide__ = True
    running = recorder.still_running()
    if running:
        fail(
            tr("`{name}` returned while 1 job was still running.", name=name)
            if len(running) == 1
            else tr("`{name}` returned while {count} jobs were still running.", name=name, count=len(running)),
            observed=tr("still running when it returned: {jobs}.", jobs=", ".join(s.label for s in running)),
            expected=tr("every job finished (or cancelled) before the function returns."),
            timeline=recorder.timeline(),
            advice=tr("Await everything you start before returning."),
        )


def idle_slot_of(recorder: Recorder, origin: float, limit: int) -> bool:
    """Whether a slot stood idle while work waited to start (see kept_slots_busy)."""
    return recorder.most_at_once() <= limit and idle_slot(recorder.spans, limit, origin) is not None


def kept_slots_busy(name: str, recorder: Recorder, origin: float, limit: int, *, units: str, advice: str) -> None:
    """No slot stood idle while a unit of work waited to start (the rule, whatever order units start
    in). Going over the limit is another grader's business."""
    __tracebackhide__ = True
    if recorder.most_at_once() > limit:
        return
    idle = idle_slot(recorder.spans, limit, origin)
    if idle is None:
        return
    blanks = {"name": name, "units": units, "limit": limit, "running": idle.running, "waiting": idle.waiting,
              "start": seconds(idle.start), "end": seconds(idle.end), "most": recorder.max_in_flight}
    if recorder.max_in_flight <= 1:
        observed = tr("it ran the {units} one after another, leaving the other slots idle.", **blanks)
    elif in_fixed_batches(recorder.spans, limit):
        observed = tr("it ran the {units} in fixed batches of {limit}: each batch waited for its slowest, while the "
                      "other slots stood idle.", **blanks)
    else:
        # Numbers after a colon: "1 of 3 slots were busy" and "1 more jobs" read wrong, and counts vary.
        observed = tr("from {start} to {end} some slots stood idle while {units} were waiting to start: slots busy, "
                      "{running} of {limit}; {units} waiting, {waiting}.", **blanks)
    fail(
        tr("`{name}` let a slot stand idle while {units} were waiting.", **blanks),
        observed=observed,
        expected=tr("one of the waiting {units} starting the moment a running one finishes, so {limit} are busy "
                    "while any are left.", units=blanks["units"],
                    limit=limit),
        timeline=recorder.timeline(),
        advice=advice,
    )


def tasks_started_since(before: set[asyncio.Task[Any]]) -> list[asyncio.Task[Any]]:
    """Tasks of the running loop, other than the caller's, that were not there in `before` and are still running."""
    current = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t not in before and t is not current and not t.done()]


async def timed_outcome(learner: Learner, name: str, *args: Any) -> tuple[Outcome, float]:
    """`learner.outcome(name, *args)` and how long it took on the loop's clock."""
    start = loop_clock()
    outcome = await learner.outcome(name, *args)
    return outcome, loop_clock() - start


def raised_in_place_of(learner: Learner, error: BaseException, replaced: type[BaseException]) -> str | None:
    """The learner's own `raise ...` line that replaced an exception of type `replaced`, if the traceback shows one."""
    if not isinstance(error.__context__, replaced):
        return None
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).resolve() == learner.path.resolve()]
    line = frames[-1].line or "" if frames else ""
    if not line.startswith("raise"):
        return None
    code = line.split("#")[0].rstrip()  # without its comment, when that leaves the statement whole
    try:
        ast.parse(code)
    except SyntaxError:
        return line
    return code


def leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside an exception group, however deeply nested; an exception alone is its own leaf."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


def first_list_kept(name: str, returned: Any, first: Sequence[Any]) -> None:
    """Fails when the list a first call returned no longer holds its results (`first`, compared by repr) once a
    second call is over: one list at module level, emptied and filled again by each call."""
    __tracebackhide__ = True
    if isinstance(returned, list) and list(map(repr, returned)) != list(map(repr, first)):
        fail(
            tr("`{name}`'s second call changed the list its first call had returned.", name=name),
            observed=tr("the first call returned {first}; after the second call, that same list held {now}.",
                        first=shown(list(first), width=400), now=shown(returned, width=400)),
            expected=tr("each call's list its own: the first call's results stay as they were."),
            advice=tr("Make a new list in each call and return that one: a list at module level (or a default "
                      "argument) that each call empties and fills again is the same object for every caller."),
        )


def in_finally(learner: Learner, name: str, kinds: tuple[type[ast.AST], ...]) -> bool:
    """Whether the learner's function `name` has a node of one of `kinds` (a `return`, a `yield`) inside a `finally:`
    block, read from its source."""
    try:
        tree = syntax.parse(learner.path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    tries = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None)
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.name == name:
            for node in ast.walk(function):
                if isinstance(node, tries) and any(isinstance(inner, kinds)
                                                   for statement in node.finalbody for inner in ast.walk(statement)):
                    return True
    return False
