"""Graders for topic 01: coroutines, await, asyncio.sleep and asyncio.run."""

from __future__ import annotations

import asyncio
import math
import random
import time
import warnings
from collections.abc import Coroutine
from typing import Any

import pytest

from graders.harness import checks, timeline
from graders.harness.feedback import fail, plural, seconds, shown
from graders.i18n import sentences, tr
from graders.harness.learner import Learner, Outcome
from graders.harness.probes import IN_LOOP_TIME, Recorder, loop_clock, posing_as

NAMES = ["Ada", "Grace", "Linus", "Guido", "Yukihiro", "Barbara", "Ken", "Margaret"]
# Names that casing changes: each by .title() and by .capitalize(); one of the first kind on every draw is also
# changed by a capital put at the start (name[0].upper() + name[1:]).
LOWER_FIRST_NAMES = ["van Rossum", "da Silva", "de la Cruz", "von Neumann"]
CASED_NAMES = ["McIntyre", "DeMarco", "O'Brien-McKay", "DiCaprio"]
FULL_NAMES = ["Zoë Ortiz", "José María", "Björn Åberg", "Chloé Nguyen"]
# Never whole seconds, nor on a grid of 0.05 s: a delay rounded (to an int, or to tenths) or waited out in short
# steps (sleep 0.1 until the clock passes the end) misses each of them by 0.02 s or more, more than
# checks.TOLERANCE, on every seed. Short, for greet: a busy wait for `delay` seconds of real time costs the grading
# run that much CPU.
DELAYS = [0.37, 0.62, 0.83, 1.27, 1.38, 1.72, 2.33]
# Short: a busy wait spins through the first delay in real time before it is told (it was 0.8 s of the proofs' CPU).
GREET_DELAYS = [0.13, 0.17, 0.27, 0.38]
LONGER_GREET_DELAYS = [1.23, 1.37, 1.62, 1.78]

@pytest.mark.asyncio
@IN_LOOP_TIME
async def test_greet_returns_the_greeting(learner: Learner, rng: random.Random) -> None:
    # A second name that .title() or .capitalize() would change: the name goes into the greeting as it is given. And
    # a third of two words, with letters beyond ASCII: the whole name, every letter of it. A fourth with a space at an
    # end, as typed: the name as it is given, not cleaned up.
    for name in (rng.choice(NAMES), rng.choice(CASED_NAMES), rng.choice(LOWER_FIRST_NAMES), rng.choice(FULL_NAMES),
                 rng.choice(NAMES) + " "):
        got = await learner.call("greet", name, rng.choice(GREET_DELAYS))
        checks.returned("greet", got, str, tr("a string"))
        if got != f"Hello, {name}!":
            recased = any(got == f"Hello, {other}!" for other in (name.title(), name.capitalize(), name.lower(),
                                                                   name.upper(), name[:1].upper() + name[1:]))
            fail(tr("`greet` returned the wrong text."), observed=shown(got), expected=repr(f"Hello, {name}!"),
                 advice=tr("Put the name into the greeting as it is given, without changing its capitals: "
                           "`f\"Hello, {{name}}!\"`.") if recased
                 else tr("Put the name into the greeting as it is given, spaces and all, without cleaning it up: "
                         "`f\"Hello, {{name}}!\"`.") if got == f"Hello, {name.strip()}!"
                 else tr("Put the whole name into the greeting, as it is given, every word and every letter: "
                         "`f\"Hello, {{name}}!\"`.") if " " in name or not name.isascii() else None)


@pytest.mark.asyncio
@IN_LOOP_TIME
async def test_greet_waits_delay_seconds(learner: Learner, rng: random.Random) -> None:
    # Two different delays, so that no fixed pause can match both; one under a second and one over, so that a delay
    # rounded to whole seconds shows as such. The shorter first: a busy wait is caught on it, and spins less. One name
    # for both calls: greet waits its delay every time, and a greeting kept from the first call must not skip it.
    took: list[tuple[float, float]] = []  # (delay, loop time greet took)
    name = rng.choice(NAMES)
    # One of the two with a fraction under a half and one over, so that a delay rounded down (int) and one rounded
    # to the nearest (round) both show, and are told apart, on every seed.
    first = rng.choice(GREET_DELAYS)
    for delay in (first, rng.choice([d for d in LONGER_GREET_DELAYS if (d % 1 > 0.5) != (first % 1 > 0.5)])):
        start, real_start = loop_clock(), time.perf_counter()
        await learner.call("greet", name, delay)
        elapsed, real = loop_clock() - start, time.perf_counter() - real_start
        if elapsed <= checks.TOLERANCE and real >= delay / 2:  # virtual sleeps take milliseconds of real time
            fail(
                tr("`greet` kept the event loop busy for {real} instead of waiting: no other task could run.",
                   real=seconds(real)),
                observed=tr("greet(name, {delay}) spent {real} of real time computing on the loop's thread, while "
                            "loop time stood still; a loop that checks the clock never lets the event loop run.",
                            delay=delay, real=seconds(real)),
                expected=tr("a pause of {delay} before the greeting.", delay=seconds(delay)),
                advice=tr("`await asyncio.sleep(delay)` waits without holding the loop: other tasks run meanwhile."),
            )
        took.append((delay, elapsed))
    wrong = [(delay, elapsed) for delay, elapsed in took if abs(elapsed - delay) > checks.TOLERANCE]
    if not wrong:
        # And a delay of 0, on every seed: no pause at all (a default put in its place, `delay or 1`, waits).
        start = loop_clock()
        await learner.call("greet", name, 0)
        elapsed = loop_clock() - start
        if elapsed > checks.TOLERANCE:
            fail(
                tr("`greet` waited {elapsed} when `delay` was 0; it should return at once.", elapsed=seconds(elapsed)),
                observed=tr("greet({name}, 0) returned after {elapsed} of loop time, though greet(name, {first}) and "
                            "greet(name, {again}) each waited their delay.", name=repr(name), elapsed=seconds(elapsed),
                            first=took[0][0], again=took[1][0]),
                expected=tr("no pause: `delay` = 0 means no wait."),
                advice=tr("Sleep for `delay` as it is given, 0 included: `delay or 1`, or `if not delay:`, puts "
                          "another pause in place of 0. `await asyncio.sleep(0)` returns at once."),
            )
        # And two greetings at once, on every seed: each waits its own delay, both at the same time.
        pair = sorted(rng.sample(GREET_DELAYS, 2))
        start = loop_clock()
        await asyncio.gather(*(learner.call("greet", name, d) for d in pair))
        elapsed = loop_clock() - start
        if elapsed > pair[1] + checks.TOLERANCE:
            fail(
                tr("Two calls of `greet` at once took {elapsed}; each should wait only its own delay.",
                   elapsed=seconds(elapsed)),
                observed=tr("greet(name, {a}) and greet(name, {b}) started together, and both were done only after "
                            "{elapsed}: one waited for the other.", a=pair[0], b=pair[1], elapsed=seconds(elapsed)),
                expected=tr("both done after {longest}: two greetings wait at the same time.", longest=seconds(pair[1])),
                advice=tr("Nothing in greet should make one call wait for another: a lock (or any state shared by the "
                          "calls) around the sleep makes them take turns. `await asyncio.sleep(delay)` alone lets them "
                          "overlap."),
            )
        return
    delay, elapsed = wrong[0]
    (first, first_took), (again, again_took) = took
    if abs(first_took - first) <= checks.TOLERANCE and again_took <= checks.TOLERANCE:
        fail(
            tr("`greet` returned at once when called again with the same name; it should wait `delay` = {delay} every "
               "time.", delay=seconds(again)),
            observed=tr("greet({name}, {first}) waited {first_took}, as it should; then greet({name}, {again}) returned "
                        "after {again_took}.", name=repr(name), first=first, first_took=seconds(first_took), again=again,
                        again_took=seconds(again_took)),
            expected=tr("a pause of {delay} before the greeting.", delay=seconds(again)),
            advice=tr("Pause in every call: something kept from an earlier call (a greeting stored in a dict or a "
                      "variable outside the function) must not skip the wait. `await asyncio.sleep(delay)`, then return "
                      "the greeting, each time."),
        )
    # The delay rounded to whole seconds each time, and some pause made (no pause at all is the other advice's case).
    rounded = all(any(abs(e - whole) <= checks.TOLERANCE for whole in {int(d), round(d)}) for d, e in took) \
        and any(e > checks.TOLERANCE for _, e in took)
    # Which way, where the records tell: a delay that int() and round() take to different whole numbers.
    up = [(d, e) for d, e in took if int(d) != round(d) and abs(e - round(d)) <= checks.TOLERANCE]
    down = [(d, e) for d, e in took if int(d) != round(d) and abs(e - int(d)) <= checks.TOLERANCE]
    if up and not down:
        whole_advice = tr("It waited a whole number of seconds, rounded up: sleep for `delay` itself, as it is given, "
                          "not rounded (`round({delay})` is {whole}).", delay=f"{up[0][0]:g}", whole=round(up[0][0]))
    elif down and not up:
        whole_advice = tr("It waited a whole number of seconds: sleep for `delay` itself, as it is given, not rounded "
                          "(`int({delay})` is {whole}).", delay=f"{down[0][0]:g}", whole=int(down[0][0]))
    else:
        whole_advice = tr("It waited a whole number of seconds: sleep for `delay` itself, as it is given, not rounded "
                          "(it waited {elapsed} for a delay of {delay}).", elapsed=seconds(elapsed), delay=seconds(delay))
    # Rounded to tenths or hundredths (round(delay, 1), a floor or ceiling of them): each pause that was off is the
    # delay to fewer digits.
    to_digits = [(d, e) for d, e in took if abs(e - d) > checks.TOLERANCE]
    fewer_digits = bool(to_digits) and all(
        any(abs(e - f(d * 10 ** k) / 10 ** k) <= checks.TOLERANCE for k in (1, 2) for f in (round, math.floor, math.ceil))
        for d, e in to_digits)
    fail(
        tr("`greet` took {elapsed}; it should wait exactly `delay` = {delay}.",
           elapsed=seconds(elapsed), delay=seconds(delay)),
        observed=tr("greet(name, {delay}) returned after {elapsed} of loop time.", delay=delay, elapsed=seconds(elapsed)),
        expected=tr("a pause of {delay} before the greeting.", delay=seconds(delay)),
        advice=whole_advice if rounded
        else tr("It waited longer than `delay` each time: one `await asyncio.sleep(delay)` ends exactly on time, "
                "while pauses of some other length (short sleeps until the clock passes the end, say) overshoot it.")
        if all(e > d + checks.TOLERANCE for d, e in took)
        # Shorter at least once, so no overshoot of polling: each pause that was off is the delay to fewer digits.
        else tr("It waited {elapsed} for a delay of {delay}: the delay cut to fewer digits. Sleep for `delay` itself, "
                "as it is given, not rounded.", elapsed=f"{to_digits[0][1]:g} s", delay=f"{to_digits[0][0]:g} s")
        if fewer_digits
        else tr("`await asyncio.sleep(delay)` pauses this coroutine for `delay` seconds "
                "(without `await`, nothing waits at all)."),
    )


async def _say(i: int) -> None:
    """The shape of say: an async function of one number."""


class Say:
    """countdown's `say`: each call counted as it is made, and its coroutine kept, so one never awaited can be named."""

    def __init__(self, recorder: Recorder, seconds: float = 0.0) -> None:
        self.recorder, self.seconds = recorder, seconds  # how long each say(i) takes, in loop time
        self.made: list[tuple[str, Coroutine[Any, Any, None]]] = []
        posing_as(self, _say, "say")

    def __repr__(self) -> str:
        return "<async function say>"

    def __call__(self, i: int) -> Coroutine[Any, Any, None]:
        self.recorder.created[f"say({i!r})"] += 1
        coroutine = _said(self.recorder, i, self.seconds)
        self.made.append((f"say({i!r})", coroutine))
        return coroutine


async def _countdown(learner: Learner, rng: random.Random, n: int | None = None, tick: float | None = None,
                     say_takes: float = 0.0) -> tuple[Recorder, int, float, list[str], list[str]]:
    """countdown's calls of say, the calls it handed to a task that had not run when it returned, and the names of
    the coroutines it created and dropped without awaiting them (`asyncio.sleep(tick)` without `await`: 'sleep').
    `n` and `tick` are drawn unless given; each say(i) takes `say_takes` seconds of loop time."""
    recorder = Recorder()
    n = rng.randint(3, 6) if n is None else n
    tick = rng.choice(DELAYS) if tick is None else tick
    say = Say(recorder, say_takes)

    # A coroutine dropped unawaited is finalized as its last reference goes, with Python's "coroutine 'sleep' was
    # never awaited" warning (which the plugin otherwise silences): recorded here, it names what was never awaited.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        await learner.call("countdown", n, tick, say)
    dropped = [str(w.message).split("'")[1] for w in caught
               if "was never awaited" in str(w.message) and str(w.message).count("'") >= 2]
    pending = {task.get_coro() for task in asyncio.all_tasks() if not task.done()}
    return recorder, n, tick, [label for label, coroutine in say.made if coroutine in pending], dropped


def _calls_over_time(recorder: Recorder, start: float) -> str:
    """The chart of the say(...) calls in the order countdown made them (say(3) before say(2)), not by label."""
    return timeline.render(recorder.spans, origin=start)


@pytest.mark.asyncio
@IN_LOOP_TIME
async def test_countdown_awaits_every_say(learner: Learner, rng: random.Random) -> None:
    recorder, n, _, in_tasks, _ = await _countdown(learner, rng)
    forgotten = recorder.never_awaited()
    if forgotten and set(forgotten) <= set(in_tasks):
        fail(
            tr("`countdown` handed {calls} to a task without awaiting it, and returned before it ran.",
               calls=", ".join(forgotten)),
            observed=tr("a say(i) given to asyncio.create_task or ensure_future runs later, whenever the loop gets to "
                        "it; countdown returned first, so {calls} had not run yet.", calls=", ".join(forgotten)),
            expected=tr("every call running: say({n}) down to say(1).", n=n),
            advice=tr("Write `await say(i)`."),
            cause="say not awaited",
        )
    if forgotten:
        fail(
            tr("`countdown` called {calls} without awaiting it.", calls=", ".join(forgotten)),
            observed=tr("`say(i)` without `await` only creates a coroutine object; it never runs (Python warns: "
                        "'coroutine ... was never awaited')."),
            expected=tr("every call running: say({n}) down to say(1).", n=n),
            advice=tr("Write `await say(i)`."),
            cause="say not awaited",
        )
    said = [s.label for s in recorder.spans]
    wanted = [f"say({i})" for i in range(n, 0, -1)]
    if said != wanted:
        texts = [f"say({str(i)!r})" for i in range(n, 0, -1)]  # the numbers as strings: say("3")
        fail(tr("`countdown` said the wrong numbers."), observed=", ".join(said) or tr("nothing"), expected=", ".join(wanted),
             advice=tr("Hand say the number itself, an int: `await say(i)`, not a string made of it.") if said == texts
             else None)
    # The shortest countdowns, on every seed: countdown(1, ...) says 1 and countdown(0, ...) says nothing (a loop
    # that says a number before it checks one, do-while style, says 0).
    for few in (1, 0):
        recorder, _, tick, _, _ = await _countdown(learner, rng, n=few)
        said = [s.label for s in recorder.spans]
        wanted = [f"say({i})" for i in range(few, 0, -1)]
        if said != wanted:
            fail(tr("`countdown` said the wrong numbers for n = {n}.", n=few),
                 observed=tr("countdown({n}, {tick}, say) said {said}.", n=few, tick=tick,
                             said=", ".join(said) or tr("nothing")),
                 expected=", ".join(wanted) if wanted else tr("nothing: there is no number from 0 down to 1."),
                 advice=tr("Check n before the first call: `for i in range(n, 0, -1):` says nothing when n is 0, "
                           "and only say(1) when n is 1."))
    # A say that takes longer than a tick: `await say(i)` lets say(i) finish before the loop goes on, while a say
    # started as a Task (or gathered with the others) is still running when the next one starts.
    n, tick = rng.randint(3, 5), rng.choice(DELAYS)
    takes = round(1.5 * tick, 2)
    start = loop_clock()
    recorder, _, _, _, _ = await _countdown(learner, rng, n=n, tick=tick, say_takes=takes)
    for before, after in zip(recorder.spans, recorder.spans[1:]):
        if before.end is None or after.start < before.end - checks.TOLERANCE:
            fail(
                tr("`countdown` started {next} while {previous} was still running.", next=after.label,
                   previous=before.label),
                observed=tr("with a say that takes {takes} of loop time, {previous} ran from {start} to {end}, but "
                            "{next} started at {next_start}: the calls overlapped.", takes=seconds(takes),
                            previous=before.label, next=after.label, start=seconds(before.start - start),
                            end=seconds(before.end - start) if before.end is not None else tr("after countdown returned"),
                            next_start=seconds(after.start - start)),
                expected=tr("each say(i) finished before the next one starts."),
                timeline=_calls_over_time(recorder, start),
                advice=tr("`await say(i)` waits for say(i) to finish before the loop goes on. A say(i) handed to "
                          "asyncio.create_task, or gathered with the others, keeps running while the next one starts."),
                cause="say calls overlap",
            )
    # And each of those says ran to its end: one cut short at a tick (a timeout around it) did not overlap either.
    for span in recorder.spans:
        if span.state != "done":
            fail(
                tr("`countdown` cancelled {call} before it finished.", call=span.label) if span.state == "cancelled"
                else tr("`countdown` returned before {call} finished.", call=span.label),
                observed=tr("with a say that takes {takes} of loop time (the tick was {tick}), {call} started at "
                            "{start} and was cancelled at {end}.", takes=seconds(takes), tick=seconds(tick),
                            call=span.label, start=seconds(span.start - start), end=seconds(span.end - start))
                if span.state == "cancelled" and span.end is not None
                else tr("with a say that takes {takes} of loop time (the tick was {tick}), {call} started at {start} "
                        "and had not ended when countdown returned.", takes=seconds(takes), tick=seconds(tick),
                        call=span.label, start=seconds(span.start - start)),
                expected=tr("each say(i) running to its end, however long it takes, before the next one starts."),
                timeline=_calls_over_time(recorder, start),
                advice=tr("`await say(i)` with nothing around it waits for say(i) as long as it takes. A timeout "
                          "around it (asyncio.wait_for, asyncio.timeout) cancels a say that takes longer than the "
                          "timeout."),
            )
    # A tick of 0, on every seed: no pause, and every say awaited in its turn all the same.
    recorder, n, _, _, _ = await _countdown(learner, rng, tick=0)
    said, wanted = [s.label for s in recorder.spans if s.state == "done"], [f"say({i})" for i in range(n, 0, -1)]
    if said != wanted:
        fail(tr("`countdown({n}, 0, say)` did not say every number in its turn.", n=n),
             observed=tr("by the time countdown returned, it had said {said}.", said=", ".join(said) or tr("nothing")),
             expected=tr("{wanted}, each awaited: a tick of 0 means no pause, and nothing else.", wanted=", ".join(wanted)),
             advice=tr("Treat a tick of 0 as any other: `await asyncio.sleep(tick)` between two calls, and `await "
                       "say(i)` for each number."))


@pytest.mark.asyncio
@IN_LOOP_TIME
async def test_countdown_paces_the_calls(learner: Learner, rng: random.Random) -> None:
    start = loop_clock()
    recorder, n, tick, _, dropped = await _countdown(learner, rng)
    elapsed = loop_clock() - start
    times = [s.start - start for s in recorder.spans]
    wanted = [k * tick for k in range(n)]
    if (len(times) < n and sum(recorder.created.values()) < n) or len(times) > n:
        # Every say(...) it created ran: it called say too few times (a range that stops early), or too many.
        fail(
            tr("`countdown` called say {calls}; it should call it {n} times, from say({n}) down to say(1).",
               calls=plural(len(times), "time"), count=len(times), n=n),
            observed=tr("it said {said}.", said=", ".join(s.label for s in recorder.spans) or tr("nothing")),
            expected=tr("say(...) at {times}.", times=", ".join(seconds(t) for t in wanted)),
            advice=tr("Count down to 1 included: `range(n, 0, -1)` gives n, n-1, ..., 1 (the stop is left out)."),
        )
    if len(times) < n:
        fail(
            tr("`countdown` returned before every say had run: {ran} of {n} had.", ran=len(times), n=n),
            observed=tr("say(...) ran at {times}.", times=", ".join(seconds(t) for t in times)) if times
            else tr("no say(...) had run when it returned."),
            expected=tr("say(...) at {times}.", times=", ".join(seconds(t) for t in wanted)),
            advice=tr("`await say(i)` runs say(i) there and then, before the loop goes on. A coroutine that is not "
                      "awaited never runs, and one handed to create_task runs only later, after countdown returned."),
            cause="say not awaited" if recorder.never_awaited() else None,
        )
    late = len(times) == n and all(abs(a - b - tick) <= checks.TOLERANCE for a, b in zip(times, wanted))
    if late:  # the right pauses, one of them before the first call
        fail(
            tr("`countdown` paused {tick} before its first call as well.", tick=seconds(tick)),
            observed=tr("say(...) ran at {times}.", times=", ".join(seconds(t) for t in times)),
            expected=tr("say(...) at {times}.", times=", ".join(seconds(t) for t in wanted)),
            timeline=_calls_over_time(recorder, start),
            advice=tr("Call say first, then pause: `await say(i)` before `await asyncio.sleep(tick)` in the loop, "
                      "and no pause after the last call."),
        )
    if len(times) == n and "sleep" in dropped and all(t <= checks.TOLERANCE for t in times):
        fail(
            tr("`countdown` did not pause {tick} between the calls.", tick=seconds(tick)),
            observed=tr("say(...) ran at {times}: it called asyncio.sleep(...) without `await`, which only created a "
                        "coroutine object that never ran (Python warns: \"coroutine 'sleep' was never awaited\").",
                        times=", ".join(seconds(t) for t in times)),
            expected=tr("say(...) at {times}.", times=", ".join(seconds(t) for t in wanted)),
            timeline=_calls_over_time(recorder, start),
            advice=tr("Write `await asyncio.sleep(tick)`: without `await`, calling asyncio.sleep only creates a "
                      "coroutine, and nothing pauses."),
        )
    if len(times) != n or any(abs(a - b) > checks.TOLERANCE for a, b in zip(times, wanted)):
        fail(
            tr("`countdown` did not pause {tick} between the calls.", tick=seconds(tick)),
            observed=tr("say(...) ran at {times}.", times=", ".join(seconds(t) for t in times)),
            expected=tr("say(...) at {times}.", times=", ".join(seconds(t) for t in wanted)),
            timeline=_calls_over_time(recorder, start),  # time zero is the call, as in `observed`: a pause before the first say shows
            advice=tr("`await asyncio.sleep(tick)` between two calls; none before the first."),
        )
    if abs(elapsed - wanted[-1]) > checks.TOLERANCE:
        fail(
            tr("`countdown` returned after {elapsed}, not right after the last call ({last}).",
               elapsed=seconds(elapsed), last=seconds(wanted[-1])),
            observed=tr("it waited {extra} after say(1).", extra=seconds(elapsed - wanted[-1])),
            expected=tr("no pause after the last number."),
            advice=tr("Pause between calls only: skip the sleep after say(1)."),
        )
    # And countdown(1, ...), on every draw: its one number is also its last, with no pause before or after it.
    start = loop_clock()
    recorder, _, tick, _, _ = await _countdown(learner, rng, n=1)
    elapsed = loop_clock() - start
    if elapsed > checks.TOLERANCE:
        fail(
            tr("`countdown(1, {tick}, say)` returned after {elapsed}; with one number there is no pause at all.",
               tick=tick, elapsed=seconds(elapsed)),
            observed=tr("say(...) ran at {times}.", times=", ".join(seconds(s.start - start) for s in recorder.spans)
                        or tr("nothing")),
            expected=tr("say(1) at once, and the call over right after it."),
            timeline=_calls_over_time(recorder, start),
            advice=tr("Pause between calls only: no sleep after the last number, which for n = 1 is the first one too."),
        )
    # And a tick of 0, on every draw: no pause at all (`tick or 1` pauses a second instead), each say still over
    # before the next (one that takes a while: says run together for a tick of 0 show).
    start = loop_clock()
    takes = rng.choice([0.25, 0.5])
    recorder, n, _, _, _ = await _countdown(learner, rng, tick=0, say_takes=takes)
    elapsed = loop_clock() - start
    spans = sorted(recorder.spans, key=lambda span: span.start)
    if any(later.start < (earlier.end or later.start) - checks.TOLERANCE for earlier, later in zip(spans, spans[1:])):
        fail(
            tr("`countdown({n}, 0, say)` ran its says at the same time.", n=n),
            observed=tr("say(...) ran at {times}, each taking {takes}.",
                        times=", ".join(seconds(s.start - start) for s in spans), takes=seconds(takes)),
            expected=tr("each say over before the next starts, with no pause between them: a tick of 0 changes the "
                        "pause, not the order."),
            timeline=_calls_over_time(recorder, start),
            advice=tr("Await each say before the next one starts: `await say(i)`, then `await asyncio.sleep(tick)`, "
                      "for every tick, 0 too. Says started together (with gather, or as Tasks) overlap as soon as a "
                      "say takes time, whatever the pauses between their starts."),
        )
    if elapsed > n * takes + checks.TOLERANCE:
        fail(
            tr("`countdown({n}, 0, say)` took {elapsed}; a tick of 0 is no pause at all.", n=n, elapsed=seconds(elapsed)),
            observed=tr("say(...) ran at {times}.", times=", ".join(seconds(s.start - start) for s in recorder.spans)
                        or tr("nothing")),
            expected=tr("each number said right after the one before: pauses of 0 s."),
            timeline=_calls_over_time(recorder, start),
            advice=tr("Pass the tick on as it is, `await asyncio.sleep(tick)`: `tick or 1` (or `if not tick:`) turns 0 "
                      "into a pause of its own."),
        )


async def _said(recorder: Recorder, i: int, seconds: float = 0.0) -> None:
    with recorder.span(f"say({i!r})"):  # repr: say("3") is not say(3)
        if seconds:
            await asyncio.sleep(seconds)


def _probe() -> tuple[dict[str, asyncio.AbstractEventLoop], object]:
    seen: dict[str, asyncio.AbstractEventLoop] = {}

    async def compute(a: int, b: int) -> int:
        seen["loop"] = asyncio.get_running_loop()
        await asyncio.sleep(0)
        return a * b

    return seen, compute


class RefusedError(Exception):
    """What the graders' coroutine raises, to see `run` close its loop, and let the error through, however the
    coroutine ends."""


def _refusing_probe() -> tuple[dict[str, asyncio.AbstractEventLoop], object]:
    seen: dict[str, asyncio.AbstractEventLoop] = {}

    async def refuse(a: int) -> int:
        seen["loop"] = asyncio.get_running_loop()
        await asyncio.sleep(0)
        error = seen["raised"] = RefusedError(f"no {a}")  # kept: the caller must get this very object
        raise error

    return seen, refuse


def _wraps_refused(error: BaseException) -> str:
    """The words of the RefusedError that `error` was raised from, or "" when it was not: run caught the coroutine's
    exception and raised another in its place."""
    inner = checks.raised_from(error, RefusedError)
    return "" if inner is None else str(inner) or "RefusedError"


def test_run_returns_the_coroutines_result(learner: Learner, rng: random.Random) -> None:
    seen, compute = _probe()
    a, b = rng.randint(2, 99), rng.randint(2, 99)
    got = learner.call_sync("run", compute, a, b)
    if "loop" not in seen:
        checks.returned("run", got, int, tr("the coroutine's result"))
    if got != a * b:
        fail(tr("`run` returned the wrong value."), observed=shown(got),
             expected=tr("{value}, the coroutine's result", value=a * b))
    # A result of 0, on every draw: a result like any other.
    _, compute = _probe()
    got = learner.call_sync("run", compute, 0, b)
    if got != 0 or got is None:
        fail(tr("`run` returned {got} for a coroutine that returned 0.", got=shown(got)),
             expected=tr("0, the coroutine's result: a falsy result is still a result."),
             advice=tr("Return what asyncio.run returns, as it is: `return asyncio.run(coro_fn(*args))`. A test such "
                       "as `if result:`, or `result or None`, turns a result of 0 into something else."))
    # An exception of the coroutine's goes through run, as it goes through asyncio.run.
    seen, refuse = _refusing_probe()
    try:
        got = learner.function("run", is_async=False)(refuse, 6)
    except RefusedError as error:
        if error is seen.get("raised"):
            return
        learner._checked("run", Outcome(error=error))
        line = checks.raised_in_place_of(learner, error, RefusedError)
        fail(
            tr("`run` raised a new RefusedError in place of the one its coroutine raised."),
            observed=tr("the coroutine raised {raised}; run raised {error}: the same type, but another object.",
                        raised=repr(seen.get("raised")), error=shown(error)),
            expected=tr("the coroutine's own exception coming out of run unchanged, as it comes out of asyncio.run: "
                        "with its message, its traceback and anything it carries."),
            details=learner.format_error(error),
            advice=sentences(
                tr("Your `{line}` made a new exception in place of the coroutine's.", line=line) if line is not None
                else tr("Your code raised a new exception in place of the coroutine's."),
                tr("Let the exception propagate: leave out the `try:`/`except` around the call, or end the except "
                   "block with a bare `raise`. `return asyncio.run(coro_fn(*args))` is all run needs.")),
        )
    except Exception as error:  # noqa: BLE001
        learner._checked("run", Outcome(error=error))
        if _wraps_refused(error):
            fail(
                tr("`run` replaced the exception its coroutine raised with {kind}.", kind=type(error).__name__),
                observed=tr("the coroutine raised RefusedError: {message}; run raised {kind}: {error} in its place, "
                            "with the RefusedError only as its cause.", message=_wraps_refused(error),
                            kind=type(error).__name__, error=error),
                expected=tr("the coroutine's own exception, RefusedError, coming out of run unchanged, as it comes "
                            "out of asyncio.run: the caller may be waiting for that very exception."),
                details=learner.format_error(error),
                advice=tr("Let the exception propagate: leave out the `try:`/`except` around the call, or end the "
                          "except block with a bare `raise`. `return asyncio.run(coro_fn(*args))` is all run needs."),
                cause="run wraps the error",
            )
        learner.fail_raised("run", error)
    if "loop" in seen:
        fail(
            tr("`run` swallowed the exception its coroutine raised."),
            observed=tr("the coroutine raised RefusedError, and run returned {got} instead of letting it through.",
                        got=shown(got)),
            expected=tr("the coroutine's exception coming out of run, as it comes out of asyncio.run: the caller "
                        "must learn that the work failed."),
            advice=tr("Leave out the `try:`/`except` around the call, or end the except block with `raise`: "
                      "`return asyncio.run(coro_fn(*args))` is all run needs."),
        )


def test_run_closes_its_event_loop(learner: Learner, rng: random.Random) -> None:
    seen, compute = _probe()
    got = learner.call_sync("run", compute, 6, 7)
    loop = seen.get("loop")
    if loop is None:
        checks.returned("run", got, int, tr("the coroutine's result"))
        fail(tr("`run` never ran the coroutine."), expected=tr("the coroutine running inside an event loop."))
    if not loop.is_closed():
        loop.close()  # do not leak it into later tests
        fail(
            tr("`run` left its event loop open."),
            observed=tr("the coroutine ran, but the loop it ran in was never closed."),
            expected=tr("a fresh loop, closed when the coroutine is done: exactly what asyncio.run does."),
            advice=tr("Replace the loop made and run by hand (`run_until_complete` on a loop from `new_event_loop()` "
                      "or `get_event_loop()`) with `return asyncio.run(coro_fn(*args))`: it makes a fresh loop and "
                      "closes it."),
        )
    # However the coroutine ends: one that raises leaves the loop open when `close()` is skipped by the exception.
    seen, refuse = _refusing_probe()
    try:
        learner.function("run", is_async=False)(refuse, 6)
    except RefusedError:
        pass
    except Exception as error:  # noqa: BLE001
        learner._checked("run", Outcome(error=error))
        if not _wraps_refused(error):  # wrapped, it still went through run: how the loop was left is this grader's
            learner.fail_raised("run", error)
    learner.check_not_blocked("run")
    loop = seen.get("loop")
    if loop is not None and not loop.is_closed():
        loop.close()
        fail(
            tr("`run` left its event loop open when the coroutine raised an exception."),
            observed=tr("with a coroutine that returns, run closed its loop; with one that raised RefusedError, the "
                        "exception went through run and the loop it ran in was never closed: the line that closes it "
                        "was skipped."),
            expected=tr("the loop closed however the coroutine ends: exactly what asyncio.run does."),
            advice=tr("Close the loop in a `finally:` block (`try: return loop.run_until_complete(...)` then "
                      "`finally: loop.close()`), or let `return asyncio.run(coro_fn(*args))` do it: it closes the loop "
                      "whether the coroutine returns or raises."),
        )
