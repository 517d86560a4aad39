"""Graders for topic 05: asyncio.to_thread for blocking functions.

The jobs here really block: each sleeps in time.sleep in whatever thread calls it. Virtual
loop time cannot see threads, so these graders run on the real clock, with short jobs
(at most 0.1 s), and judge timing by the order of recorded events, by ratios with wide
margins and by a heartbeat task on the loop; never by a tight wall-clock bound.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent import futures
from contextlib import contextmanager
from typing import Any

import pytest

from graders.harness import checks
from graders.harness.blocking import BlockingCall
from graders.harness.feedback import GraderFailure, fail, plural, seconds, shown
from graders.harness.heartbeat import Heartbeat
from graders.i18n import sentences, tr
from graders.harness.learner import Learner
from graders.harness.made_tasks import ranked
from graders.harness.probes import BlockingJob, Recorder, Span, blocking_span, posing_as
from graders.harness.settle import Settled

pytestmark = pytest.mark.asyncio

# Advice texts are translated where they are used: the learner's language is known only then.
THREAD_ADVICE = "Hand blocking work to a thread: `await asyncio.to_thread(func)` runs func in a worker thread and gives you its result."
OVERLAP_ADVICE = (
    "Start every thread before you wait for any of them: `await asyncio.gather(*(asyncio.to_thread(f) for f in funcs))`. "
    "`await asyncio.to_thread(f)` inside a for loop waits for each thread to finish before starting the next."
)
HELD_ADVICE = (
    "Hand every function to a thread before waiting for any: `await asyncio.gather(*(asyncio.to_thread(f) for f in "
    "funcs))`, with nothing that holds some back until others finish (a Semaphore, batches, waiting for one before "
    "starting the next)."
)
POOL_ADVICE = (
    "Give every function a thread of its own: `asyncio.to_thread(f)` uses the loop's own pool, which has enough "
    "threads for these; a ThreadPoolExecutor of your own needs `max_workers` of at least `len(funcs)`."
)
WAIT_ADVICE = (
    "Wait with `await`: `await asyncio.to_thread(func)` lets the loop run other tasks until the thread is done. "
    "A `while` loop that checks `thread.is_alive()` or `future.done()` keeps the loop's thread busy the whole time."
)


# What each function returns, for checks.returned.
RETURNS = {"run_all_blocking": "a list of results", "process_all": "a list of upload results"}


def spread(rng: random.Random, count: int, low: float, high: float) -> list[float]:
    """`count` durations from `low` to `high`, evenly apart, shuffled so they do not finish in argument order."""
    step = (high - low) / (count - 1)
    durations = [round(low + k * step + rng.uniform(-0.002, 0.002), 4) for k in range(count)]
    rng.shuffle(durations)
    if durations == sorted(durations):
        durations.reverse()
    return durations


def slowest_first(rng: random.Random, count: int, low: float, high: float) -> list[float]:
    """Durations from `low` to `high` in falling order, for graders of result order.

    Finishing order is then the argument order reversed: every pair of jobs would have to swap,
    each against a gap of at least (high - low) / (count - 1), for results collected in finishing
    order to pass. A shuffled order can leave one close pair, which a busy machine may swap.
    """
    return sorted(spread(rng, count, low, high), reverse=True)


def make_jobs(rng: random.Random, recorder: Recorder, durations: Sequence[float]) -> tuple[list[BlockingJob], list[int]]:
    results = rng.sample(range(100, 1000), len(durations))
    return [recorder.blocking_job(f"job {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))], results


@contextmanager
def blocking_calls(learner: Learner) -> Iterator[list[BlockingCall]]:
    """Keep a copy of the blocking calls learner.call reports, to explain them in this topic's words."""
    seen: list[BlockingCall] = []
    take = learner.guard.take

    def keep() -> list[BlockingCall]:
        calls = take()
        seen.extend(calls)
        return calls

    learner.guard.take = keep  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del learner.guard.take  # the class's own method again


async def call(learner: Learner, name: str, *args: Any, recorder: Recorder, durations: Sequence[float]) -> Any:
    """learner.call, failing in this topic's words when a blocking job ran on the loop or a thread was waited for there.

    `recorder` records the blocking functions handed to `name`; `durations` are their lengths.
    """
    __tracebackhide__ = True
    handed = len(learner.threads.submitted)
    with blocking_calls(learner) as calls, ranked(asyncio.get_running_loop()):
        try:
            result = await learner.call(name, *args)
        except GraderFailure:
            if calls:
                explain_blocking(name, calls, recorder, durations, len(learner.threads.submitted) - handed)
            raise
    if isinstance(result, (asyncio.Future, futures.Future)):
        # Not awaited: the threads it stands for may not have started yet, so every later check (how many
        # functions ran, and when) would blame something else. Told here, once for all graders of `name`.
        result.cancel()
        if name == "run_blocking":
            returned_result(name, result, None)
        checks.returned(name, result, list, tr(RETURNS.get(name, "a list of results")))
    return result


def explain_blocking(name: str, calls: list[BlockingCall], recorder: Recorder, durations: Sequence[float],
                     handed: int = 0) -> None:
    """`handed`: how many pieces of work the call had handed to threads by the time it was stopped."""
    __tracebackhide__ = True
    on_loop = [s for s in recorder.spans if s.thread == recorder.loop_thread]
    if on_loop:
        # The probe blocks in time.sleep; the guard names the learner's line that called it.
        call = next((c for c in calls if c.function == "time.sleep"), calls[0])
        where = where_in(call)
        # Others handed to threads before it: this one alone ran on the loop, and only it is known to freeze it.
        alone = on_loop[0] if handed and len(on_loop) == 1 else None
        only = ""
        if alone is not None:
            length = recorder.nominal.get(alone.label, max(durations))
            frozen = tr("it would freeze the loop for {seconds}", seconds=seconds(length))
            only = tr("Only {label} ran there: {handed} had been handed to worker threads before it.", label=alone.label,
                      handed=plural(handed, "`prepare` call" if name == "process_all" else "function"))
        elif len(durations) == 1:
            frozen = tr("it would freeze the loop for {seconds}", seconds=seconds(durations[0]))
        else:
            frozen = tr("the {count} blocking calls would freeze the loop one after another: {total} in all",
                        count=len(durations),
                        total=f"{' + '.join(f'{d:.2f}' for d in durations)} = {seconds(sum(durations))}")
        handed_over_late = any(word in call.source for word in ("to_thread(", "run_in_executor("))
        observed = (
            tr("{where} calls the blocking function right there, on the event loop's thread (the parentheses "
               "call it), and hands only its result to the thread.", where=where)
            if handed_over_late
            else tr("{where} calls the blocking function directly, on the event loop's thread.", where=where)
        )
        fail(
            tr("`{name}` ran a blocking function on the event loop's own thread.", name=name),
            observed=sentences(tr("{observed} It blocks (it waits in time.sleep), so while it runs the whole loop is "
                                  "frozen and no other task can run. Called like this, {frozen}. (The grader stopped the "
                                  "first call at once.)", observed=observed, frozen=frozen), only),
            expected=tr("every blocking function running in a worker thread while the loop stays free."),
            advice=tr(
                "Pass the function itself, without calling it: `asyncio.to_thread(func)`, or `asyncio.to_thread(func, arg)` "
                "when it takes an argument. to_thread calls it for you, in the worker thread."
            ) if handed_over_late else tr(THREAD_ADVICE),
            cause=f"blocking on the loop {name} {where}",
        )
    waits = [c for c in calls if "acquire" in c.function]
    if waits:
        call = waits[0]
        where = where_in(call)
        if call.source.startswith("with "):
            fail(
                tr("`{name}` waited for a thread pool to shut down, on the event loop's own thread.", name=name),
                observed=tr("{where} shuts the pool down when the block ends, and shutting down waits for the pool's "
                            "threads to finish their work. The block ended while functions were still running, so the "
                            "event loop's thread waited there, and the loop was frozen until they were done.",
                            where=where),
                expected=tr("nothing on the loop's thread that waits for threads."),
                advice=tr("Await every result inside the `with` block, so the pool has nothing left to do when it shuts "
                          "down; or use the event loop's own pool, which needs no `with` block: "
                          "`await asyncio.to_thread(func)` (or `await loop.run_in_executor(None, func)`)."),
                cause=f"pool shut down on the loop {name} {where}",
            )
        fail(
            tr("`{name}` waited for a thread on the event loop's own thread.", name=name),
            observed=tr("{where} blocks until the thread is done (Thread.join() and future.result() both do), so the "
                        "whole loop is frozen while it waits: up to {seconds} here, with no other task running.",
                        where=where, seconds=seconds(max(durations))),
            expected=tr("waiting with `await`, which leaves the loop free to run other tasks until the thread is done."),
            advice=sentences(tr(THREAD_ADVICE),
                             tr("A future from `executor.submit` is waited for with `.result()`, which blocks: await "
                                "`loop.run_in_executor(executor, func)` instead, or `asyncio.wrap_future(future)`.")
                             if ".result(" in call.source
                             else tr("asyncio starts and waits for the thread itself: no Thread objects, no join().")),
            cause=f"waited for a thread {name} {where}",
        )


def where_in(call: BlockingCall) -> str:
    return tr("line {line}: `{source}`", line=call.line, source=call.source) if call.line else tr("your code")


async def timed(
    learner: Learner, name: str, *args: Any, recorder: Recorder, durations: Sequence[float]
) -> tuple[Any, float, float]:
    """The call's result, and when it started and ended on the real clock."""
    start = time.perf_counter()
    result = await call(learner, name, *args, recorder=recorder, durations=durations)
    return result, start, time.perf_counter()


def returned_result(name: str, got: Any, expected: Any) -> None:
    __tracebackhide__ = True
    if got == expected:
        return
    if isinstance(got, (asyncio.Future, futures.Future)):
        fail(
            tr("`{name}` returned a Future instead of the function's result.", name=name),
            observed=tr("{got}: a promise of the result, not the result itself.", got=shown(got)),
            advice=tr("Put `await` in front of the call that gives you the Future (`await loop.run_in_executor(...)`), "
                      "or use `await asyncio.to_thread(func)`."),
            cause=f"returned {name} {type(got).__name__}",  # as checks.returned: every grader of `name` fails for it
        )
    if got is None:
        fail(tr("`{name}` returned None instead of the function's result {expected}.", name=name, expected=repr(expected)),
             advice=tr(checks.NO_RETURN_ADVICE))
    fail(tr("`{name}` returned {got} instead of the function's result {expected}.",
            name=name, got=shown(got), expected=repr(expected)))


def numbered(places: Sequence[int]) -> str:
    """Places counted from 1, runs of them as ranges: [0, 1, 2, 5] -> "1-3, 6"."""
    runs: list[list[int]] = []
    for place in sorted(places):
        if runs and place == runs[-1][-1] + 1:
            runs[-1].append(place)
        else:
            runs.append([place])
    return ", ".join(f"{run[0] + 1}-{run[-1] + 1}" if len(run) > 1 else f"{run[0] + 1}" for run in runs)


@contextmanager
def second_call(name: str, first: Sequence[Any], expected: Sequence[Any], given: str,
                reused: dict[int, tuple[str, str, Any]] | None = None) -> Iterator[list[Any]]:
    """The second of two calls of `name` (the first was right), with a new `given` argument: a failure in it is told
    as such, and results kept from the first call by name. `first` and `expected` are the two calls' right results;
    `reused` the places of the second call's items that were in the first call too, with each one's name, what the
    second call's `prepare` makes of it and the first call's result for it. The block appends what the call returned
    to the list it is given."""
    __tracebackhide__ = True
    returned: list[Any] = []
    try:
        yield returned
    except GraderFailure as failure:
        got = returned[0] if returned else None
        if isinstance(got, list) and reused and len(got) == len(expected):
            wrong = [i for i, (value, right) in enumerate(zip(got, expected)) if value != right]
            if wrong and all(i in reused and got[i] == reused[i][2] for i in wrong):
                item, right, before = reused[wrong[0]]
                fail(
                    tr("`{name}`, called a second time, returned the first call's result for {item}.", name=name,
                       item=item),
                    observed=tr("{item} was in both calls. The second call's `prepare` makes {right} of it, yet the "
                                "result for it was {before}, as in the first call: what the first call's `prepare` "
                                "made was kept and used again.", item=item, right=repr(right), before=repr(before)),
                    expected=tr("{expected}: the second call's results alone.", expected=shown(list(expected))),
                    advice=tr("Call `prepare` for every item on every call, and keep nothing from one call to the next: "
                              "a cache at module level keyed by the item hands back what an earlier call's `prepare` "
                              "made, and a new `prepare` may make something else."),
                )
        if isinstance(got, list):
            extra = Counter(map(repr, got)) - Counter(map(repr, expected))
            if extra and set(extra) <= set(map(repr, first)):
                kept = []  # the places of the extra results
                for i, value in enumerate(got):
                    if extra[repr(value)] > 0:
                        extra[repr(value)] -= 1
                        kept.append(i)
                fail(
                    tr("`{name}`, called a second time, returned results from its first call too.", name=name),
                    observed=tr("the first call was right. The second, with a new `{given}`, returned {count} results "
                                "where {wanted} were expected; results {places} were the first call's: {kept}. "
                                "Something was kept from one call to the next.", given=given, count=len(got),
                                wanted=len(expected), places=numbered(kept),
                                kept=shown([got[i] for i in kept], width=160)),
                    expected=tr("{expected}: the second call's results alone.", expected=shown(list(expected))),
                    advice=tr("Make the results list inside the function, fresh for each call. A list at module level, "
                              "or a mutable default argument (`results=[]`), is shared by every call and grows with "
                              "each one."),
                )
        failure.observed = sentences(failure.observed or "", tr(
            "This was the second of two calls of `{name}`, one after the other, with a new `{given}`; the first call "
            "was right.", name=name, given=given))
        raise


def ran_in_threads(name: str, recorder: Recorder, expected: int, what: str) -> None:
    """Each of `expected` blocking functions ran exactly once, none on the loop's thread."""
    __tracebackhide__ = True
    on_loop = [s for s in recorder.spans if s.thread == recorder.loop_thread]
    if on_loop:
        fail(
            tr("`{name}` ran {what} on the event loop's own thread.", name=name, what=plural(len(on_loop), what),
               count=len(on_loop)),
            observed=tr("{labels} ran on the loop's thread, freezing the loop meanwhile.",
                        labels=", ".join(s.label for s in on_loop)),
            expected=tr("every blocking function running in a worker thread."),
            advice=tr(THREAD_ADVICE),
        )
    if len(recorder.spans) != expected:
        fail(
            tr("`{name}` called the blocking functions {calls} times; there were {expected}.",
               name=name, calls=len(recorder.spans), expected=expected),
            observed=tr("calls: {labels}.", labels=", ".join(s.label for s in recorder.spans) or tr("none")),
            expected=tr("each of the {expected} functions called once, in a worker thread.", expected=expected),
            advice=tr(THREAD_ADVICE),
        )


@contextmanager
def one_entry(name: str, given: str, before: int) -> Iterator[None]:
    """A call of `name` with one entry in `given`, after a right call with `before` entries: a failure in it is told as
    such (code that takes a shortcut for one entry, calling it on the loop's thread, shows only here)."""
    __tracebackhide__ = True
    try:
        yield
    except GraderFailure as failure:
        failure.observed = sentences(failure.observed or "", tr(
            "This was a call of `{name}` with a single entry in `{given}`; the call before it, with {count} entries, "
            "ran every one in a worker thread.", name=name, given=given, count=before))
        raise


def late_bound(ran: Sequence[str], listed: Sequence[str]) -> str | None:
    """The last entry's label, when every call went to it, once per entry, though the list holds others: what a
    `lambda: f()` made in a loop does, which looks `f` up only when the thread calls it, after the loop has ended."""
    if len(set(listed)) > 1 and len(ran) == len(listed) and set(ran) == {listed[-1]}:
        return listed[-1]
    return None


def late_binding(name: str, ran: Sequence[str], listed: Sequence[str]) -> None:
    """Fails when every call went to the last entry (late_bound), for `run_all_blocking` (`listed`: the functions'
    labels) or `process_all` (`listed`: its prepares' labels, "prepare img123"); told once for every grader."""
    __tracebackhide__ = True
    last = late_bound(ran, listed)
    if last is None:
        return
    blanks = {"name": name, "count": len(listed), "calls": ", ".join(ran), "label": last,
              "item": last.split()[-1]}
    if name == "process_all":
        fail(
            tr("`process_all` called `prepare` with the last item only, once for each item.", **blanks),
            observed=sentences(
                tr("`items` lists {count} items, {item} last; the prepares were {calls}, so every result was {item}'s.",
                   **blanks),
                tr("That is what a `lambda: prepare(item)` made in a loop or a comprehension does: it looks `item` up "
                   "when the thread calls it, after the loop has ended, and finds the last item.")),
            expected=tr("each of the {count} items prepared once, in a worker thread.", **blanks),
            advice=tr("Hand the item over with the function: `asyncio.to_thread(prepare, item)` calls `prepare(item)` "
                      "with the item of that turn of the loop. A lambda needs the item bound when it is made: "
                      "`lambda item=item: prepare(item)`."),
            cause=f"late binding {name}",
        )
    fail(
        tr("`{name}` called only the last function of `funcs`, once for each entry.", **blanks),
        observed=sentences(
            tr("`funcs` lists {count} entries, {label} last; the calls were {calls}, so every result was {label}'s.",
               **blanks),
            tr("That is what a `lambda: f()` made in a loop or a comprehension does: it looks `f` up when the thread "
               "calls it, after the loop has ended, and finds the last function.")),
        expected=tr("each of the {expected} entries called once, in a worker thread.", expected=len(listed)),
        advice=tr("Pass the function itself: `asyncio.to_thread(f)`. A lambda needs the function bound when it is "
                  "made: `lambda f=f: f()`."),
        cause=f"late binding {name}",
    )


def each_entry_ran(name: str, recorder: Recorder, jobs: Sequence[BlockingJob]) -> None:
    """A function listed more than once ran once per entry (code that keys its work by the function runs it once)."""
    __tracebackhide__ = True
    late_binding(name, [s.label for s in recorder.spans], [job.label for job in jobs])
    listed = Counter(job.label for job in jobs)
    ran = Counter(s.label for s in recorder.spans)
    fewer = [label for label, n in listed.items() if n > 1 and ran[label] < n]
    if not fewer or any(s.thread == recorder.loop_thread for s in recorder.spans):
        return
    label = fewer[0]
    fail(
        tr("`{name}` called {label} {ran}, but `funcs` lists it {listed}.", name=name, label=label,
           ran=plural(ran[label], "time"), listed=plural(listed[label], "time")),
        observed=tr("the same function object is in `funcs` {listed}, and each entry is a call to make. Calls: "
                    "{labels}.", listed=plural(listed[label], "time"),
                    labels=", ".join(s.label for s in recorder.spans) or tr("none")),
        expected=tr("each of the {expected} entries called once, in a worker thread.", expected=len(jobs)),
        advice=tr("Start one thread per entry of the list, not per distinct function: keep the awaitables and their "
                  "results in a list in the order of `funcs` (`asyncio.gather` does), not in a dict or a set keyed by "
                  "the function."),
    )


def working(spans: Sequence[Span]) -> list[tuple[float, float]]:
    """When the blocking functions were running: from the last one's start to the last end if they
    all ran at one moment, else while each ran.

    Starting a thread makes the loop wait until the new thread runs, which on a busy machine
    takes milliseconds; those moments come before a function starts, so they are left out. Up to
    the last end, not the first: on a busy machine the starts spread out, and a window that closed
    at the first end could be too short to show a loop held the whole time.
    """
    done = [s for s in spans if s.end is not None]
    if not done:
        return []
    last_start = max(s.start for s in done)
    if last_start < min(s.end or 0.0 for s in done):
        return [(last_start, max(s.end or 0.0 for s in done))]
    return [(s.start, s.end or 0.0) for s in done]


def pool_too_small(learner: Learner, count: int) -> bool:
    """Whether all `count` functions were handed to thread pools, one of them too small to run them all at
    once. (A pool large enough may still hand a function to a thread that has just come free, when a busy
    machine starts its threads slowly: no fault of the code.) When they were handed does not matter: on a
    crowded machine the loop's thread, handing them over, may not run again until the first has finished."""
    return len(learner.threads.submitted) >= count and min(learner.threads.pool_sizes) < count


def handed_in_time(learner: Learner, first_end: float, count: int) -> bool:
    """Whether all `count` functions had been handed, before the first one finished, to thread pools
    large enough to run them all at once: then the code started them together, and one that starts
    late does so because an overloaded machine started its thread late (seen at a load of 12 on 2 cores)."""
    return sum(at <= first_end for at in learner.threads.submitted) >= count and not pool_too_small(learner, count)


def queued(spans: Sequence[Span]) -> list[Span]:
    """Functions that started after another had finished, on that one's thread: they waited for a
    thread to come free. Each one started at once in a thread of its own can start late on a busy
    machine; it never has to wait for another function's thread."""
    return [s for s in spans if any(o.thread == s.thread and o.end is not None and o.end <= s.start for o in spans)]


def held_freeze(heart: Heartbeat, spans: Sequence[Span], limit: float) -> tuple[float, float, str] | None:
    """The longest stretch of `limit` or more without a heartbeat while the blocking functions were
    running that the learner's code held (Heartbeat.holder), with what held it; None if there was none.

    A pause alone is not proof: on an overloaded machine the OS may not run the loop's thread for a
    while. So a longer stretch the OS caused (a thread slow to start) must not hide one the code
    caused: a busy wait's first stretch, spent mostly in Thread.start on a busy machine, once did,
    and the loop frozen by the other four went unmentioned."""
    held = [(start, end, busy) for window in working(spans) for start, end in heart.gaps(within=window)
            if end - start >= limit and (busy := heart.holder((start, end))) is not None]
    return max(held, key=lambda gap: gap[1] - gap[0], default=None)


def with_freeze(spans: Sequence[Span], nominal: dict[str, float], start: float, end: float) -> Settled:
    """The jobs and the loop's freeze from `start` to `end`, settled (see graders/harness/settle.py)."""
    frozen = Span("loop frozen", start, 0, end, "done")
    return Settled([*spans, frozen], origin=min(s.start for s in [*spans, frozen]), nominal=nominal)


def frozen_for(settled: Settled) -> float:
    freeze = settled.spans[-1]
    return (freeze.end or freeze.start) - freeze.start


def loop_stayed_free(name: str, heart: Heartbeat, recorder: Recorder, limit: float) -> None:
    """No stretch of `limit` seconds or more without a heartbeat while the blocking functions ran."""
    __tracebackhide__ = True
    spans = recorder.spans
    # A stretch counts when the loop's thread was caught in the learner's own code then, or was
    # computing (while the functions ran: starting a thread also holds the loop, briefly).
    held = held_freeze(heart, spans, limit)
    if held is None:
        return
    start, _, busy = held
    settled = with_freeze(spans, recorder.nominal, *heart.gap_around(start))  # judged while the functions ran; shown whole
    blanks = {"name": name, "busy": busy, "frozen": seconds(frozen_for(settled)), "limit": seconds(limit),
              "every": f"{heart.interval * 1000:g}"}
    fail(
        tr("`{name}` kept the event loop busy for {frozen} while the blocking work ran: no other task could run "
           "meanwhile.", **blanks),
        observed=tr("the loop's thread was busy at {busy} for {frozen} in a row; a heartbeat task that should run every "
                    "{every} ms did not run at all.", **blanks),
        expected=tr("the loop free while the threads work: no pause of {limit} or more.", **blanks),
        timeline=settled.timeline(ordered=False),
        advice=tr(WAIT_ADVICE),
    )


def frozen_note(heart: Heartbeat, spans: Sequence[Span], nominal: dict[str, float], limit: float) -> str:
    """A sentence on how long the loop stood still while the functions ran, when that was `limit` or more; else nothing."""
    held = held_freeze(heart, spans, limit)  # as in loop_stayed_free: only a pause the learner's code caused
    if held is None:
        return ""
    start, _, busy = held
    settled = with_freeze(spans, nominal, *heart.gap_around(start))
    return tr("The event loop itself was frozen for up to {frozen} at a time, busy at {busy}.",
              frozen=seconds(frozen_for(settled)), busy=busy)


# run_blocking


async def test_run_blocking_returns_the_result(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder(clock=time.perf_counter)
    # As long as in the other graders of run_blocking: a pool shut down on the loop must find it still
    # running, however late a crowded machine gets round to it (at 0.02-0.04 s one once had finished).
    job = recorder.blocking_job("job", rng.uniform(0.08, 0.1), f"report-{rng.randrange(1000)}")
    got = await call(learner, "run_blocking", job, recorder=recorder, durations=[job.seconds])
    returned_result("run_blocking", got, job.result)
    # The same function again, which gives something else this time (as one reading a file may): it runs again.
    before = job.result
    job.result = f"report-{rng.randrange(1000, 2000)}"
    got = await call(learner, "run_blocking", job, recorder=recorder, durations=[job.seconds])
    if got == before and len(recorder.spans) < 2:
        fail(
            tr("`run_blocking`, called a second time with the same function, returned its first result."),
            observed=tr("the function ran once; the second call returned {got} without running it, though it would "
                        "have given {now}.", got=repr(got), now=repr(job.result)),
            expected=tr("the function run by each call, and each call's own result."),
            advice=tr("Run the function every time run_blocking is called: a cache keyed by the function hands back "
                      "what an earlier call gave, and a blocking function (a file, a network call) may give "
                      "something else each time."),
        )
    returned_result("run_blocking", got, job.result)


async def test_run_blocking_runs_the_function_in_another_thread(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder(clock=time.perf_counter)
    # Long enough to outlast a busy machine's delay in starting the thread: a join() on the loop
    # must find it still running, or it does not block and nothing shows it was called there.
    job = recorder.blocking_job("job", rng.uniform(0.08, 0.1), rng.randrange(1000))
    await call(learner, "run_blocking", job, recorder=recorder, durations=[job.seconds])
    ran_in_threads("run_blocking", recorder, 1, "blocking function")


async def test_run_blocking_keeps_the_loop_free(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder(clock=time.perf_counter)
    job = recorder.blocking_job("job", rng.uniform(0.08, 0.1), rng.randrange(1000))
    async with Heartbeat(watch=learner.path, jobs=recorder) as heart:
        await call(learner, "run_blocking", job, recorder=recorder, durations=[job.seconds])
    # Half the job's length: a loop held while the job runs pauses for all of it; a free one for milliseconds.
    loop_stayed_free("run_blocking", heart, recorder, job.seconds / 2)


# run_all_blocking


def twice_in_the_list(name: str, got: Any, expected: list[Any], places: tuple[int, int], label: str) -> None:
    """Fails when only the entries of `label`, in the list twice (at `places`), are wrong."""
    __tracebackhide__ = True
    if not isinstance(got, list) or len(got) != len(expected):
        return
    wrong = {i for i, (value, right) in enumerate(zip(got, expected)) if value != right}
    if wrong and wrong <= set(places):
        fail(
            tr("`{name}` returned the wrong result for {label}, which is in the list twice.", name=name, label=label),
            observed=tr("{label} was entry {a} and entry {b} of the list; the call returned {got}.", label=label,
                        a=places[0], b=places[1], got=shown(got, width=400)),
            expected=tr("{expected}: one result for each entry of the list, in its order, also for an entry that is "
                        "there twice.", expected=shown(expected, width=400)),
            advice=tr("Keep each result with its place in the list, whatever finishes when (`asyncio.gather` does that "
                      "for you). A lookup by the function or the item (`funcs.index(func)`, a dict keyed by it) finds "
                      "only its first place; code that takes one finished task at a time from `asyncio.wait` loses one "
                      "of two that finish together, as the two runs of one entry do."),
        )


async def test_run_all_blocking_returns_results_in_order(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder(clock=time.perf_counter)
    durations = slowest_first(rng, rng.randint(3, 4), 0.02, 0.08)
    jobs, results = make_jobs(rng, recorder, durations)
    # One function listed twice, on every draw: its result belongs at both its places.
    twice = rng.randrange(len(jobs))
    at = rng.randrange(twice + 1, len(jobs) + 1)
    jobs.insert(at, jobs[twice])
    results.insert(at, results[twice])
    durations.insert(at, durations[twice])
    got = await call(learner, "run_all_blocking", jobs, recorder=recorder, durations=durations)
    checks.returned("run_all_blocking", got, list, tr("a list of results"))
    if got != results:
        late_binding("run_all_blocking", [s.label for s in recorder.spans], [job.label for job in jobs])
    twice_in_the_list("run_all_blocking", got, results, (twice, at), jobs[twice].label)
    checks.same_results("run_all_blocking", got, results, recorder, distinct=len(jobs) - 1)
    first = got
    # Once more, with other functions: results kept from one call to the next show only now.
    again = Recorder(clock=time.perf_counter)
    durations = slowest_first(rng, rng.randint(3, 4), 0.02, 0.08)
    jobs, fresh = make_jobs(rng, again, durations)
    with second_call("run_all_blocking", results, fresh, "funcs") as returned:
        got = await call(learner, "run_all_blocking", jobs, recorder=again, durations=durations)
        returned.append(got)
        checks.returned("run_all_blocking", got, list, tr("a list of results"))
        checks.same_results("run_all_blocking", got, fresh, again)
    checks.first_list_kept("run_all_blocking", first, results)


async def test_run_all_blocking_runs_every_function_in_a_thread(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder(clock=time.perf_counter)
    durations = spread(rng, rng.randint(3, 4), 0.02, 0.04)
    jobs, _ = make_jobs(rng, recorder, durations)
    # One function listed twice, on every draw (as `[hard_work] * 3` in the stub's demo): each entry is a call.
    twice = rng.choice(jobs)
    jobs.insert(rng.randrange(jobs.index(twice) + 1, len(jobs) + 1), twice)
    durations = [job.seconds for job in jobs]
    await call(learner, "run_all_blocking", jobs, recorder=recorder, durations=durations)
    each_entry_ran("run_all_blocking", recorder, jobs)
    ran_in_threads("run_all_blocking", recorder, len(jobs), "blocking function")
    # Then one function alone, on every draw: it too runs in a worker thread (no shortcut that calls it directly).
    alone = Recorder(clock=time.perf_counter)
    job = alone.blocking_job("job", rng.uniform(0.02, 0.04), rng.randrange(100, 1000))
    with one_entry("run_all_blocking", "funcs", len(jobs)):
        await call(learner, "run_all_blocking", [job], recorder=alone, durations=[job.seconds])
        ran_in_threads("run_all_blocking", alone, 1, "blocking function")


async def test_run_all_blocking_runs_the_functions_at_the_same_time(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder(clock=time.perf_counter)
    # Five functions on every draw: all at once and one by one then differ by 0.2 s or more, far beyond
    # what starting the pool's threads one by one costs on a busy machine, and a pool of four threads
    # shows. No more than five: the loop's own pool has min(32, CPUs + 4) threads, five on one CPU.
    durations = spread(rng, 5, 0.06, 0.1)
    jobs, _ = make_jobs(rng, recorder, durations)
    # One of them in the list twice, in place of another: it runs twice, at the same time as itself too (a lock or a
    # slot per function would hold its second run back).
    twice = rng.randrange(4)
    jobs[rng.randrange(twice + 1, 5)] = jobs[twice]
    durations = [job.seconds for job in jobs]
    _, start, end = await timed(learner, "run_all_blocking", jobs, recorder=recorder, durations=durations)
    each_entry_ran("run_all_blocking", recorder, jobs)
    ran_in_threads("run_all_blocking", recorder, len(jobs), "blocking function")
    # Judged from the first function's start: a busy machine may take a while to start the
    # pool's threads, which no code can help (the functions' own overlap is what is graded).
    elapsed = max(s.end or end for s in recorder.spans) - min(s.start for s in recorder.spans)
    checks.all_finished("run_all_blocking", recorder)
    ideal, one_by_one = max(durations), sum(durations)
    first_end = min(s.end or 0.0 for s in recorder.spans)
    late = [s for s in recorder.spans if s.start >= first_end]
    # Queued behind another's thread, in a pool with fewer threads than functions: the code's doing.
    # (In a pool large enough, a busy machine may hand a function to a thread just come free.)
    waited = queued(recorder.spans) if pool_too_small(learner, len(jobs)) else []
    # Handed to a thread only once the code had heard another function end (a Semaphore, batches): whatever the
    # elapsed time, they were not started together, which the README promises. No busy machine does that.
    held = recorder.held_back()
    # Every function handed to a pool large enough before the first one finished: the code started
    # them all at once, and a late start is the machine's (an overloaded OS runs a new thread late).
    if late and handed_in_time(learner, first_end, len(jobs)) and recorder.max_in_flight > 1:
        return
    # Every function started before the first one finished: the rule the README states, kept. How long they then
    # took is the machine's (a 0.1 s sleep took 0.26 s on a crowded CI machine, and a correct answer failed on time).
    if not late:
        return
    # Closer to all-at-once than to one-by-one: wide enough for a busy machine, far from the sum.
    # A late start alone is no verdict when threads did overlap: on a busy machine the pool's
    # threads start one by one, each holding the loop until the OS runs it.
    if recorder.max_in_flight > 1 and not waited and not held and elapsed < (ideal + one_by_one) / 2:
        return
    settled = recorder.settled(start)
    threads = len({s.thread for s in recorder.spans})
    blanks = {"took": seconds(settled.at(end)), "ideal": seconds(ideal), "one_by_one": seconds(one_by_one),
              "most": recorder.max_in_flight, "late": plural(len(late), "function"), "count": len(jobs),
              "threads": plural(threads, "thread")}
    small_pool = bool(waited)
    if held and not small_pool and recorder.max_in_flight > 1:
        fail(
            tr("`run_all_blocking` did not start every function at once: it took {took}; all at once takes about "
               "{ideal}.", **blanks),
            observed=tr("{held} went to a thread only after your code had seen another function finish, so at most "
                        "{most} ran at a time; the call took {took}.", held=plural(len(held), "function"), **blanks),
            expected=tr("all {count} threads running at once, so the call takes about as long as the slowest ({ideal}).",
                        **blanks),
            timeline=settled.timeline(),
            advice=tr(HELD_ADVICE),
        )
    if small_pool and recorder.max_in_flight <= 1:
        summary = tr("`run_all_blocking` handed every function to a pool of one thread: they ran one after another "
                     "and took {took}; all at once takes about {ideal}.", **blanks)
    elif small_pool:  # the overlap tells it; the durations may not (a queued function that is short can end in time)
        summary = tr("`run_all_blocking` ran the functions at most {most} at a time.", **blanks)
    elif late and recorder.max_in_flight <= 1:
        summary = tr("`run_all_blocking` ran the functions one after another: it took {took}; all at once takes about "
                     "{ideal}.", **blanks)
    elif late:
        summary = tr("`run_all_blocking` ran the functions at most {most} at a time: it took {took}; all at once takes "
                     "about {ideal}.", **blanks)
    else:
        summary = tr("`run_all_blocking` took {took}; with every function at once it takes about {ideal}.", **blanks)
    fail(
        summary,
        observed=tr("{late} only started once another had finished and freed its thread: {threads} ran all {count} "
                    "functions, so the pool had fewer threads than functions; the call took {took}.", **blanks)
        if small_pool
        else tr("{late} only started after another had finished; the call took {took} (one by one the functions "
                "take {one_by_one}).", **blanks) if late
        else tr("the call took {took} (one by one the functions take {one_by_one}).", **blanks),
        expected=tr("all {count} threads running at once, so the call takes about as long as the slowest ({ideal}).",
                    **blanks),
        timeline=settled.timeline(),
        advice=tr(POOL_ADVICE) if small_pool else tr(OVERLAP_ADVICE),
    )


async def test_run_all_blocking_keeps_the_loop_free(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder(clock=time.perf_counter)
    durations = spread(rng, rng.randint(3, 4), 0.07, 0.1)
    jobs, _ = make_jobs(rng, recorder, durations)
    async with Heartbeat(watch=learner.path, jobs=recorder) as heart:
        await call(learner, "run_all_blocking", jobs, recorder=recorder, durations=durations)
    loop_stayed_free("run_all_blocking", heart, recorder, min(durations) / 2)


# process_all


def _prepare(item: str) -> str:
    """The shape of prepare: a function of one item."""


async def _upload(prepared: str) -> str:
    """The shape of upload: an async function of one prepared item."""


class Prepare:
    """The blocking step: `prepare(item)` sleeps in the calling thread, then returns the prepared value."""

    def __init__(self, recorder: Recorder, durations: dict[str, float], suffix: str = ".small") -> None:
        self.recorder, self.durations, self.suffix = recorder, durations, suffix
        posing_as(self, _prepare, "prepare")

    def __repr__(self) -> str:
        return "<blocking function prepare>"

    def __call__(self, item: str) -> str:
        with blocking_span(self.recorder, f"prepare {item}"):
            time.sleep(self.durations[item])
            return f"{item}{self.suffix}"


class Upload:
    """The async step: `await upload(prepared)` sleeps on the running loop, then returns where it went."""

    def __init__(self, recorder: Recorder, durations: dict[str, float], suffix: str = ".small") -> None:
        self.recorder, self.durations, self.suffix = recorder, durations, suffix
        self.given: list[Any] = []  # what each call was given, in order
        posing_as(self, _upload, "upload")

    def __repr__(self) -> str:
        return "<async function upload>"

    async def __call__(self, prepared: str) -> str:
        self.given.append(prepared)
        item = str(prepared).removesuffix(self.suffix)
        with self.recorder.span(f"upload {item}"):
            await asyncio.sleep(self.durations.get(item, 0.01))
            return f"https://cdn.example/{prepared}"


# Uploads long enough that one item's upload waiting for another's shows (see UPLOAD_WAIT), and no longer than a job here.
LONG_UPLOAD = (0.09, 0.1)
# An item prepared this long before another item's upload ended, whose upload started only after that one's end,
# waited for it: half a long upload, far beyond a busy machine's delay in handing a prepared value back to the loop.
UPLOAD_WAIT = 0.05


class Pipeline:
    """Items, their two steps and the records each step leaves."""

    def __init__(self, rng: random.Random, prepare_durations: list[float], upload_low: float, upload_high: float, *,
                 long_uploads: Sequence[int] = (), avoid: Sequence[str] = (), reuse: str | None = None,
                 suffix: str = ".small") -> None:
        """`long_uploads`: the places of items whose upload takes LONG_UPLOAD; `avoid`: item names not to draw;
        `reuse`: an item to have among the others all the same, at a random place; `suffix`: what prepare adds."""
        taken = [*avoid, reuse] if reuse is not None else avoid
        names = sorted(set(range(100, 1000)) - {int(item.removeprefix("img")) for item in taken})
        self.items = [f"img{n}" for n in rng.sample(names, len(prepare_durations) - (reuse is not None))]
        if reuse is not None:
            self.items.insert(rng.randrange(len(self.items) + 1), reuse)
        self.suffix = suffix
        self.prepares = Recorder(clock=time.perf_counter)
        self.uploads = Recorder(clock=time.perf_counter)
        self.prepare_durations = dict(zip(self.items, prepare_durations))
        self.upload_durations = {item: rng.uniform(*LONG_UPLOAD) if i in long_uploads else rng.uniform(upload_low, upload_high)
                                 for i, item in enumerate(self.items)}
        # For charts each recorder draws alone: uploads start when prepares end.
        self.prepares.nominal.update(self.nominal)
        self.uploads.nominal.update(self.nominal)
        self.uploads.beside = self.prepares.spans
        self.prepare = Prepare(self.prepares, self.prepare_durations, suffix)
        self.upload = Upload(self.uploads, self.upload_durations, suffix)

    @property
    def expected(self) -> list[str]:
        return [f"https://cdn.example/{item}{self.suffix}" for item in self.items]

    async def run(self, learner: Learner) -> tuple[Any, float, float]:
        return await timed(
            learner, "process_all", list(self.items), self.prepare, self.upload,
            recorder=self.prepares, durations=[self.prepare_durations[item] for item in self.items],
        )

    @property
    def nominal(self) -> dict[str, float]:
        return {
            **{f"prepare {item}": d for item, d in self.prepare_durations.items()},
            **{f"upload {item}": d for item, d in self.upload_durations.items()},
        }

    def settled(self, origin: float | None = None) -> Settled:
        """Both steps' records, settled, item by item in argument order."""
        rank = {item: i for i, item in enumerate(self.items)}
        spans = sorted(self.prepares.spans + self.uploads.spans, key=lambda s: (rank.get(s.label.split()[-1], 0), s.label))
        return Settled(spans, origin=min(s.start for s in spans) if origin is None else origin, nominal=self.nominal)

    def timeline(self, origin: float | None = None) -> str:
        return self.settled(origin).timeline(ordered=False)


def explain_results(pipeline: Pipeline, got: list[Any]) -> None:
    """When `got` is wrong: the mistakes the records show (upload given the item itself, every prepare given the last
    item); checks.same_results says the rest."""
    __tracebackhide__ = True
    if got == pipeline.expected:
        return
    given = pipeline.upload.given
    if given and all(value in pipeline.items for value in given):
        fail(
            tr("`process_all` gave `upload` the items themselves, not what `prepare` made of them."),
            observed=tr("`upload` was awaited with {given}; `prepare` returned {prepared}.",
                        given=shown(sorted(given, key=pipeline.items.index)),
                        prepared=shown([f"{item}{pipeline.suffix}" for item in pipeline.items])),
            expected=tr("{expected}: each item's upload of the value its prepare returned.",
                        expected=shown(pipeline.expected)),
            advice=tr("Keep the value `prepare` returns and upload that: `prepared = await asyncio.to_thread(prepare, "
                      "item)`, then `return await upload(prepared)`."),
        )
    late_binding("process_all", [s.label for s in pipeline.prepares.spans],
                 [f"prepare {item}" for item in pipeline.items])


def each_item_ran(pipeline: Pipeline) -> None:
    """An item listed more than once went through both steps once per entry (code that keys its work by the item
    does it once)."""
    __tracebackhide__ = True
    prepares, uploads = pipeline.prepares, pipeline.uploads
    late_binding("process_all", [s.label for s in prepares.spans], [f"prepare {item}" for item in pipeline.items])
    if any(s.thread == prepares.loop_thread for s in prepares.spans):
        return  # told by ran_in_threads
    listed = Counter(pipeline.items)
    prepared = Counter(s.label.split()[-1] for s in prepares.spans)
    uploaded = Counter(s.label.split()[-1] for s in uploads.spans)
    for ran in (prepared, uploaded):
        fewer = [item for item, n in listed.items() if n > 1 and ran[item] < n]
        if fewer:
            item = fewer[0]
            blanks = {"item": item, "ran": plural(ran[item], "time"), "listed": plural(listed[item], "time")}
            fail(
                tr("`process_all` prepared {item} {ran}, but `items` lists it {listed}.", **blanks) if ran is prepared
                else tr("`process_all` uploaded {item} {ran}, but `items` lists it {listed}.", **blanks),
                observed=tr("the same item is in `items` {listed}, and each entry is an item to put through both "
                            "steps. Prepares: {prepares}. Uploads: {uploads}.", listed=plural(listed[item], "time"),
                            prepares=", ".join(s.label for s in prepares.spans) or tr("none"),
                            uploads=", ".join(s.label for s in uploads.spans) or tr("none")),
                expected=tr("each of the {count} entries prepared in a worker thread and uploaded, one result per "
                            "entry.", count=len(pipeline.items)),
                advice=tr("Put every entry of `items` through both steps, in the order of `items` (`asyncio.gather` "
                          "of one coroutine per entry does), not once per distinct item: a dict or a set keyed by the "
                          "item keeps one of each."),
            )


async def test_process_all_returns_results_in_order(learner: Learner, rng: random.Random) -> None:
    pipeline = Pipeline(rng, slowest_first(rng, rng.randint(3, 4), 0.02, 0.08), 0.005, 0.01)
    # One item listed twice, on every draw: its result belongs at both its places.
    twice = rng.randrange(len(pipeline.items))
    at = rng.randrange(twice + 1, len(pipeline.items) + 1)
    pipeline.items.insert(at, pipeline.items[twice])
    got, _, _ = await pipeline.run(learner)
    checks.returned("process_all", got, list, tr("a list of upload results"))
    explain_results(pipeline, got)
    twice_in_the_list("process_all", got, pipeline.expected, (twice, at), pipeline.items[twice])
    checks.same_results("process_all", got, pipeline.expected, pipeline.uploads, distinct=len(pipeline.items) - 1)
    first, first_expected = got, pipeline.expected
    # Once more, with other items but one, which a new `prepare` makes something else of: results, or prepared
    # values, kept from one call to the next show only now.
    kept = rng.choice(pipeline.items)
    again = Pipeline(rng, slowest_first(rng, rng.randint(3, 4), 0.02, 0.08), 0.005, 0.01, avoid=pipeline.items,
                     reuse=kept, suffix=".thumb")
    reused = {again.items.index(kept): (kept, f"{kept}{again.suffix}", pipeline.expected[pipeline.items.index(kept)])}
    with second_call("process_all", pipeline.expected, again.expected, "items", reused) as returned:
        got, _, _ = await again.run(learner)
        returned.append(got)
        checks.returned("process_all", got, list, tr("a list of upload results"))
        explain_results(again, got)
        checks.same_results("process_all", got, again.expected, again.uploads)
    checks.first_list_kept("process_all", first, first_expected)


async def test_process_all_runs_prepare_in_threads(learner: Learner, rng: random.Random) -> None:
    pipeline = Pipeline(rng, spread(rng, rng.randint(3, 4), 0.02, 0.04), 0.005, 0.01)
    # One item listed twice, on every draw: each entry goes through both steps.
    twice = rng.choice(pipeline.items)
    pipeline.items.insert(rng.randrange(pipeline.items.index(twice) + 1, len(pipeline.items) + 1), twice)
    await pipeline.run(learner)
    each_item_ran(pipeline)
    ran_in_threads("process_all", pipeline.prepares, len(pipeline.items), "`prepare` call")
    # Then one item alone, on every draw: its prepare too runs in a worker thread.
    alone = Pipeline(rng, [rng.uniform(0.02, 0.04)], 0.005, 0.01)
    with one_entry("process_all", "items", len(pipeline.items)):
        await alone.run(learner)
        ran_in_threads("process_all", alone.prepares, 1, "`prepare` call")


async def test_process_all_runs_upload_on_the_loop(learner: Learner, rng: random.Random) -> None:
    # Prepares that end 20 ms or more apart, so the chart can tell which one each upload followed.
    pipeline = Pipeline(rng, spread(rng, rng.randint(3, 4), 0.02, 0.08), 0.01, 0.02)
    await pipeline.run(learner)
    uploads = pipeline.uploads
    elsewhere = uploads.off_loop_thread()
    if elsewhere:
        fail(
            tr("`process_all` ran the async `upload` in {threads}.", threads=plural(len(elsewhere), "worker thread"),
               count=len(elsewhere)),
            observed=tr("{elsewhere} of the {count} uploads ran in other threads, each inside a second event loop "
                        "started there just for it.", elsewhere=len(elsewhere), count=len(pipeline.items)),
            expected=tr("every upload awaited on the event loop's own thread: async functions need no thread, "
                        "the loop runs many of them at once."),
            timeline=pipeline.timeline(),
            advice=tr("Threads are for blocking functions only. Await the async step directly: "
                      "`return await upload(prepared)`."),
        )
    if len(uploads.spans) != len(pipeline.items):
        fail(
            tr("`process_all` awaited `upload` {calls} times; there were {count} items.",
               calls=len(uploads.spans), count=len(pipeline.items)),
            expected=tr("one `await upload(prepared)` per item, with the value its prepare returned."),
        )


async def test_process_all_runs_items_at_the_same_time(learner: Learner, rng: random.Random) -> None:
    durations = spread(rng, 4, 0.05, 0.1)
    # The slowest prepare first, on every draw: code that awaits each item's prepare and upload in turn then holds
    # every upload back until it is done, and shows.
    durations.insert(0, durations.pop(durations.index(max(durations))))
    # Two items prepared first, in the same time, both with a long upload: an upload that waits for the other's to
    # end (uploads one at a time, in any order) then waits most of a long upload. Five items in all, as in
    # run_all_blocking: a pool of four threads shows, and the loop's own pool runs five at once on any machine.
    durations.insert(rng.randrange(1, 5), min(durations))
    twins = [i for i, d in enumerate(durations) if d == min(durations)]
    pipeline = Pipeline(rng, durations, 0.02, 0.04, long_uploads=twins)
    async with Heartbeat(watch=learner.path, jobs=pipeline.prepares) as heart:
        _, start, end = await pipeline.run(learner)
    prepares, uploads = pipeline.prepares, pipeline.uploads
    ran_in_threads("process_all", prepares, len(pipeline.items), "`prepare` call")
    # As in run_all_blocking: from the first prepare's start to the last upload's end.
    elapsed = (max(s.end or end for s in [*prepares.spans, *uploads.spans])
               - min(s.start for s in [*prepares.spans, *uploads.spans]))
    per_item = {item: pipeline.prepare_durations[item] + pipeline.upload_durations[item] for item in pipeline.items}
    ideal, one_by_one = max(per_item.values()), sum(per_item.values())
    checks.all_finished("process_all", prepares)
    stuck = frozen_note(heart, prepares.spans, pipeline.nominal, min(pipeline.prepare_durations.values()) / 2)
    settled = pipeline.settled(start)
    took = seconds(settled.at(end))
    first_ready = min(s.end or 0.0 for s in prepares.spans)
    late = [s for s in prepares.spans if s.start >= first_ready]
    waited = queued(prepares.spans) if pool_too_small(learner, len(pipeline.items)) else []  # as above
    held = prepares.held_back()  # as above
    if late and handed_in_time(learner, first_ready, len(pipeline.items)) and prepares.max_in_flight > 1:
        late = []  # as in run_all_blocking: every prepare was handed over at once, a late start is the machine's
    blanks = {"took": took, "ideal": seconds(ideal), "one_by_one": seconds(one_by_one),
              "most": prepares.max_in_flight, "count": len(pipeline.items),
              "threads": plural(len({s.thread for s in prepares.spans}), "thread")}
    if waited and prepares.max_in_flight > 1:  # as in run_all_blocking
        fail(
            # The overlap tells it, not the durations: a short prepare held back can still end by the slowest item's end.
            tr("`process_all` handled the items at most {most} at a time.", **blanks),
            observed=tr("the prepare of {late} only started once another item's prepare had finished and freed its "
                        "thread: {threads} ran all {count} prepares, so the pool had fewer threads than items.",
                        late=plural(len(waited), "item"), **blanks),
            expected=tr("all {count} items going through their steps at the same time.", **blanks),
            timeline=settled.timeline(ordered=False),
            advice=tr("Give every item's prepare a thread of its own: `asyncio.to_thread(prepare, item)` uses the "
                      "loop's own pool, which has enough threads for these; a ThreadPoolExecutor of your own needs "
                      "`max_workers` of at least `len(items)`."),
        )
    if held and prepares.max_in_flight > 1:  # as in run_all_blocking
        fail(
            tr("`process_all` did not start every item at once: it took {took}; all at once takes about {ideal}.",
               **blanks),
            observed=sentences(tr("the prepare of {held} went to a thread only after your code had seen another "
                                    "item's prepare finish, so at most {most} prepares ran at a time; the call took "
                                    "{took}.", held=plural(len(held), "item"), **blanks), stuck),
            expected=tr("all {count} items going through their steps at the same time.", **blanks),
            timeline=settled.timeline(ordered=False),
            advice=tr("Write the two steps for one item in a coroutine and start that coroutine for every item at "
                      "once with `asyncio.gather`, with nothing that holds some items back until others finish (a "
                      "Semaphore, batches, waiting for one item before starting the next)."),
        )
    if late and (prepares.max_in_flight <= 1 or elapsed >= (ideal + one_by_one) / 2):  # as in run_all_blocking
        fail(
            tr("`process_all` handled the items one after another: it took {took}; all at once takes about {ideal}.",
               **blanks) if prepares.max_in_flight <= 1
            else tr("`process_all` handled the items at most {most} at a time: it took {took}; all at once takes about "
                    "{ideal}.", **blanks),
            observed=sentences(tr("items waited for each other: the prepare of {late} only started after another "
                                    "item's prepare had finished; the call took {took} (one by one the items take "
                                    "{one_by_one}).", late=plural(len(late), "item"), **blanks), stuck),
            expected=tr("all {count} items going through their steps at the same time.", **blanks),
            timeline=settled.timeline(ordered=False),
            advice=tr("Write the two steps for one item in a coroutine (`await asyncio.to_thread(prepare, item)`, then "
                      "`await upload(...)`) and run that coroutine for every item at once with `asyncio.gather`."),
        )
    first = min(prepares.spans, key=lambda s: s.end or 0.0)
    item = first.label.split()[-1]
    upload = next((s for s in uploads.spans if s.label == f"upload {item}"), None)
    last_prepared = max(s.end or 0.0 for s in prepares.spans)
    if upload is not None and upload.start >= last_prepared and uploads.max_in_flight <= 1 < len(uploads.spans):
        at = {s.label: s for s in settled.spans}
        fail(
            tr("`process_all` uploaded the items one after another."),
            observed=tr("{item} was prepared after {prepared}, but its upload only started at {uploaded}: each upload "
                        "waited for the one before it to end.", item=item, prepared=seconds(at[first.label].end or 0.0),
                        uploaded=seconds(at[upload.label].start)),
            expected=tr("each item moving on to its upload as soon as its own prepare is done."),
            timeline=settled.timeline(ordered=False),
            advice=tr("Write both steps for one item in one coroutine (prepare in a thread, then await upload) and "
                      "gather that coroutine for all items: a `for` loop that awaits each upload before the next runs "
                      "the uploads one at a time."),
        )
    if upload is not None and upload.start >= last_prepared:
        at = {s.label: s for s in settled.spans}
        fail(
            tr("`process_all` held every upload back until the slowest prepare was done."),
            observed=tr("{item} was prepared after {prepared}, but its upload only started at {uploaded}, once every "
                        "item was prepared: the steps ran in two batches.", item=item,
                        prepared=seconds(at[first.label].end or 0.0), uploaded=seconds(at[upload.label].start)),
            expected=tr("each item moving on to its upload as soon as its own prepare is done."),
            timeline=settled.timeline(ordered=False),
            advice=tr("Write both steps for one item in one coroutine (prepare in a thread, then await upload) and "
                      "gather that coroutine for all items; do not gather all prepares first and all uploads after."),
        )
    # An upload that waited for another item's: its item was prepared UPLOAD_WAIT or more before that upload ended,
    # yet it started only after that end. (Judged by order, with that margin; the two items prepared first, in the
    # same time and with long uploads, show it in any code that runs its uploads one at a time.)
    prepared_at = {s.label.split()[-1]: s.end for s in prepares.spans if s.end is not None}
    held = [(later, before) for later in uploads.spans for before in uploads.spans
            if before is not later and before.end is not None and later.start >= before.end
            and (ready := prepared_at.get(later.label.split()[-1])) is not None and ready <= before.end - UPLOAD_WAIT]
    if held:
        # The item prepared first that waited, behind the last upload that ended before its own started.
        later, before = min(held, key=lambda pair: (prepared_at[pair[0].label.split()[-1]], -(pair[1].end or 0.0)))
        at = {s.label: s for s in settled.spans}
        item = later.label.split()[-1]
        fail(
            tr("`process_all` uploaded the items one after another.") if uploads.max_in_flight <= 1
            else tr("`process_all` made an item's upload wait for another item's upload."),
            observed=tr("{item} was prepared at {prepared}, but its upload only started at {uploaded}, after the upload "
                        "of {other} had ended at {ended}.", item=item,
                        prepared=seconds(at[f"prepare {item}"].end or 0.0), uploaded=seconds(at[later.label].start),
                        other=before.label.split()[-1], ended=seconds(at[before.label].end or 0.0)),
            expected=tr("each item moving on to its upload as soon as its own prepare is done."),
            timeline=settled.timeline(ordered=False),
            advice=tr("Write both steps for one item in one coroutine (prepare in a thread, then await upload) and "
                      "gather that coroutine for all items: a `for` loop that awaits each upload before the next runs "
                      "the uploads one at a time."),
        )
    if elapsed >= (ideal + one_by_one) / 2:
        fail(
            tr("`process_all` took {took}; with every item at once it takes about {ideal}.", **blanks),
            observed=sentences(tr("the call took {took} (one by one the items take {one_by_one}).", **blanks), stuck),
            expected=tr("about as long as the slowest item ({ideal}).", **blanks),
            timeline=settled.timeline(ordered=False),
            advice=tr("Run every item's two steps at the same time with `asyncio.gather`, and never make the loop wait."),
        )
