"""Graders for topic 04: asyncio.wait_for and asyncio.timeout."""

from __future__ import annotations

import ast
import asyncio
import math
import random
import traceback
from pathlib import Path
from typing import Any

import pytest

from graders.harness import checks
from graders.harness.clocks import loop_clock_told
from graders.harness.feedback import fail, plural, seconds, shown
from graders.i18n import listed, sentences, tr
from graders.harness.learner import Learner, Outcome
from graders.harness.made_tasks import ranked
from graders.harness.probes import IN_LOOP_TIME, AsyncJob, JobFailed, Recorder, Span, loop_clock, posing_as

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]

DURATIONS = [0.5 * k for k in range(1, 17)]


def deadline_between(rng: random.Random, low: float, high: float) -> float:
    """A timeout at least 0.25 s away from both `low` and `high`, so nothing finishes exactly at it."""
    return rng.choice([d + 0.25 for d in DURATIONS if low <= d and d + 0.5 <= high])


def awaitable_needed(name: str, outcome: Outcome, learner: Learner) -> None:
    """A job handed to wait_for uncalled (`wait_for(job, ...)`) gets its own explanation."""
    __tracebackhide__ = True
    error = outcome.error
    if isinstance(error, TypeError) and ("awaitable is required" in str(error) or _raised_by_wait_for(error)):
        fail(
            tr("`{name}` gave asyncio.wait_for the job function itself instead of a coroutine.", name=name),
            observed=tr("asyncio.wait_for raised TypeError: {error}", error=error),
            expected=tr("wait_for(job(), timeout): the coroutine you get by calling the job."),
            advice=tr("Call the job to get something to wait for: `await asyncio.wait_for(job(), timeout)`."),
            details=learner.format_error(error),
        )
    if error is not None:
        learner.fail_raised(name, error)


def _raised_by_wait_for(error: BaseException) -> bool:
    """Since 3.12 wait_for awaits its argument itself, and the TypeError's words change with the
    version ("object X can't be used in 'await' expression", "'X' object can't be awaited")."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].name == "wait_for" and frames[-1].filename.startswith(str(Path(asyncio.__file__).parent))


async def strays(recorder: Recorder) -> list[Span]:
    """Jobs still running once the learner's call returned and the loop had a few turns to deliver cancels.

    Their tasks are then cancelled, so nothing outlives the grader.
    """
    for _ in range(3):  # a cancel() lands at the task's next step
        await asyncio.sleep(0)
    running = recorder.still_running()
    if running:
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()
    return running


# Advice texts are translated where they are used: the learner's language is known only then.
STEPS_DONE_ONLY_ADVICE = ("Return only the results of the steps done in time: a step the deadline stopped adds "
                          "nothing to the list, not even a None.")
WAIT_FOR_ADVICE = (
    "Hand the job's coroutine to asyncio, which runs it and enforces the deadline: "
    "`await asyncio.wait_for(job(), timeout)`."
)
STEPS_ADVICE = (
    "Await each step inside one deadline: `async with asyncio.timeout(timeout):` around "
    "`for step in steps: results.append(await step())`."
)


def ran_the_work(name: str, recorder: Recorder, value: Any, what: str, advice: str = WAIT_FOR_ADVICE) -> None:
    """Fail when the call never ran any of its `what` ("job", "jobs", "steps"): there is no deadline to judge."""
    __tracebackhide__ = True
    if recorder.spans:
        return
    unawaited, cancelled = recorder.never_awaited(), recorder.cancelled_before_start()
    if cancelled and not unawaited:
        fail(
            tr("`{name}` cancelled the {what} before it began.", name=name, what=tr(what)),
            observed=tr("it handed {calls} to asyncio, which cancelled it before its first step: the deadline had "
                        "passed by the time it was to start.", calls=", ".join(cancelled)),
            expected=tr("the {what} running until done or until the deadline, whichever comes first.", what=tr(what)),
            advice=tr("asyncio was given a deadline that had already passed: a timeout of 0 or less (rounding a "
                      "timeout under 1 second down to whole seconds, with `int()`, gives 0). Use the `timeout` "
                      "argument you were given, as it is: `asyncio.wait_for(job(), timeout)`."),
        )
    if len(unawaited) == 1:
        observed = tr("it called {calls} but never awaited the coroutine, so nothing ran.", calls=unawaited[0])
    elif unawaited:
        observed = tr("it called {calls} but never awaited the coroutines, so nothing ran.", calls=", ".join(unawaited))
    else:
        observed = tr("it returned {value} without calling the {what}.", value=shown(value), what=tr(what))
    fail(
        tr("`{name}` never ran the {what}.", name=name, what=tr(what)),
        observed=observed,
        expected=tr("the {what} running until done or until the deadline, whichever comes first.", what=tr(what)),
        advice=tr(advice),
    )


GIVEN_TIMEOUT_ADVICE = (
    "Use the `timeout` argument you were given, as it is: `asyncio.wait_for(job(), timeout)`. "
    "A fixed number such as the tutorial's 1 second only suits one case."
)


def cancelled_at_deadline(name: str, recorder: Recorder, timeout: float, *, shared: bool, advice: str) -> None:
    """Work that was cancelled was cancelled at its deadline: `timeout` after it started, or after
    the call started when the deadline is `shared` by all of it, not at some other moment."""
    __tracebackhide__ = True
    if not recorder.spans:
        return
    t0 = min(s.start for s in recorder.spans)
    off = [
        s for s in recorder.spans
        if s.state == "cancelled" and abs((s.end or 0) - (t0 if shared else s.start) - timeout) > checks.TOLERANCE
    ]
    if not off:
        return
    first = off[0]
    ran = (first.end or 0) - (t0 if shared else first.start)
    blanks = {"name": name, "work": noun(off), "count": len(off), "job": first.label, "ran": seconds(ran),
              "timeout": seconds(timeout)}
    early = ran < timeout
    told = given_timeout_advice(ran, timeout, [(s.end or 0) - s.start for s in off]) \
        if advice == GIVEN_TIMEOUT_ADVICE else tr(advice)
    if early and t0 > checks.TOLERANCE and abs((first.end or 0) - timeout) <= checks.TOLERANCE:
        # Cut at the moment `timeout` of the loop's clock, in a call that began later than 0: the timeout was taken
        # for a moment (asyncio.timeout_at(timeout), a deadline counted from the loop's start), not for seconds.
        told = tr("The work was cut when the loop's clock read {timeout}, though this call began at {start}: your code "
                  "took the timeout for a moment on the loop's clock (as `asyncio.timeout_at(timeout)` does), where it "
                  "is a number of seconds from the call. Count it from the call: `asyncio.timeout(timeout)`, or "
                  "`asyncio.timeout_at(loop.time() + timeout)`.", timeout=f"{timeout:g}", start=seconds(t0))
    fail(
        tr("`{name}` cancelled {work} before the {timeout} deadline.", **blanks) if early
        else tr("`{name}` cancelled {work} after the {timeout} deadline.", **blanks),
        observed=tr("{job} was cancelled {ran} after the call started, but the timeout was {timeout}.", **blanks) if shared
        else tr("{job} was cancelled {ran} after it started, but the timeout was {timeout}.", **blanks),
        expected=tr("work cancelled exactly when its {timeout} are up: whatever finishes within the timeout keeps its "
                    "result.", **blanks) if early
        else tr("work cancelled exactly when its {timeout} are up: the caller asked not to wait any longer than that.",
                **blanks),
        timeline=recorder.timeline(),
        advice=told,
    )


def given_timeout_advice(ran: float, timeout: float, cut_after: list[float]) -> str:
    """What to try, translated, when work given `timeout` seconds was cut after `ran` (each piece of it after
    `cut_after`): a whole number of seconds for all is the timeout rounded to whole seconds when that gives it, else
    a number in place of the timeout (the tutorial's 1 s); a cut a little after the timeout (at most half a second
    more, the same for all) is a margin added to it."""
    same = max(cut_after) - min(cut_after) <= checks.TOLERANCE
    if same and abs(ran - round(ran)) <= checks.TOLERANCE and round(ran) >= 1:
        # A whole number of seconds: the timeout rounded (int() or round()), or a fixed number; where both would
        # give this cut (1 s for a timeout of 1.25 s), the advice names both.
        rounded = round(ran) in (math.floor(timeout), round(timeout))
        if rounded and round(ran) == 1:
            return tr("The work was cut after exactly {ran}, where the timeout was {timeout}: a fixed number (the "
                      "tutorial's 1 second) or the timeout rounded to a whole second (`int()`, `round()`) would do that. "
                      "Use the `timeout` argument you were given, as it is: `asyncio.wait_for(job(), timeout)`.",
                      ran=seconds(ran), timeout=seconds(timeout))
        if round(ran) == math.floor(timeout):
            return tr("The work was cut after {ran}, the {timeout} timeout rounded down to whole seconds (as "
                      "`int(timeout)` does). Use the `timeout` argument you were given, as it is, fractions included: "
                      "`asyncio.wait_for(job(), timeout)`.", ran=seconds(ran), timeout=seconds(timeout))
        if rounded:
            return tr("The work was cut after {ran}, the {timeout} timeout rounded to the nearest whole second (as "
                      "`round(timeout)` does). Use the `timeout` argument you were given, as it is, fractions "
                      "included: `asyncio.wait_for(job(), timeout)`.", ran=seconds(ran), timeout=seconds(timeout))
        return tr(GIVEN_TIMEOUT_ADVICE)
    if same and timeout < ran <= timeout + 0.5:
        return tr("Use the `timeout` argument you were given, as it is: `asyncio.wait_for(job(), timeout)`, with "
                  "nothing added. A margin on top of it lets the work run past the caller's deadline; asyncio needs "
                  "none to stop it on time.")
    return tr("Use the `timeout` argument you were given, as it is: `asyncio.wait_for(job(), timeout)`, with nothing "
              "added or taken away.")


def noun(spans: list[Span]) -> str:
    """"job" or "step", as the probes are labelled, in the right number."""
    word = spans[0].label.split()[0]
    return plural(len(spans), word)


def left_running(name: str, running: list[Span], timeline: str, deadline: str) -> None:
    __tracebackhide__ = True
    blanks = {"name": name, "work": noun(running), "count": len(running), "labels": ", ".join(s.label for s in running)}
    fail(
        tr("`{name}` returned but left {work} running in the background.", **blanks),
        observed=tr("still running after it returned: {labels}. Nobody will use the result, yet it keeps using time, "
                    "memory and connections.", **blanks) if len(running) == 1
        else tr("still running after it returned: {labels}. Nobody will use the result, yet they keep using time, "
                "memory and connections.", **blanks),
        expected=tr("work that misses {deadline} cancelled at that moment.", deadline=deadline),
        timeline=timeline,
        advice=tr("`asyncio.wait_for` cancels the work for you when the time is up. `asyncio.wait(..., timeout=...)` "
                  "and `asyncio.shield` do not: with them you must call `task.cancel()` yourself."),
    )


RAN_PAST_ADVICE = (
    "Let asyncio enforce the deadline while the work runs: `asyncio.wait_for(job(), timeout)`. "
    "Comparing the clock afterwards cannot stop anything."
)


def ran_past(name: str, late: list[Span], deadline: float, timeline: str, advice: str = RAN_PAST_ADVICE) -> None:
    __tracebackhide__ = True
    blanks = {"labels": ", ".join(s.label for s in late), "deadline": seconds(deadline)}
    fail(
        tr("`{name}` let {work} run to the end instead of cancelling at the deadline.",
           name=name, work=noun(late), count=len(late)),
        observed=tr("{labels} finished after the {deadline} deadline: your code waited for it instead of stopping it "
                    "when the time was up.", **blanks) if len(late) == 1
        else tr("{labels} finished after the {deadline} deadline: your code waited for them instead of stopping them "
                "when the time was up.", **blanks),
        expected=tr("the late work cancelled at {deadline}, its `finally:` blocks run, and no result.", **blanks),
        timeline=timeline,
        advice=tr(advice),
    )


# with_deadline


async def test_with_deadline_returns_the_result_in_time(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    seconds_needed = rng.choice(DURATIONS[:8])
    job = recorder.job("job", seconds_needed, rng.randint(100, 999))
    timeout = deadline_between(rng, seconds_needed, DURATIONS[-1])
    before = asyncio.all_tasks()
    outcome, elapsed = await checks.timed_outcome(learner, "with_deadline", job, timeout, "timeout!")
    awaitable_needed("with_deadline", outcome, learner)
    ran_the_work("with_deadline", recorder, outcome.value, "job")
    cancelled_at_deadline("with_deadline", recorder, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    if outcome.value != job.result:
        fail(
            tr("`with_deadline` returned {value} for a job that finished in time.", value=shown(outcome.value)),
            observed=tr("the job needed {needed}, the timeout was {timeout}.",
                        needed=seconds(seconds_needed), timeout=seconds(timeout)),
            expected=tr("{result}, the job's own result.", result=repr(job.result)),
            timeline=recorder.timeline(),
        )
    if abs(elapsed - seconds_needed) > checks.TOLERANCE:
        fail(
            tr("`with_deadline` took {elapsed}; the job was done after {needed}.",
               elapsed=seconds(elapsed), needed=seconds(seconds_needed)),
            expected=tr("a return as soon as the job's result is there."),
            timeline=recorder.timeline(),
            advice=tr("Return the job's result the moment it is there: `await asyncio.wait_for(job(), timeout)` "
                      "comes back as soon as the job does. Waiting out the deadline (a sleep of the whole timeout, "
                      "say) keeps the caller waiting for nothing."),
        )
    for _ in range(3):  # a cancel() lands at the task's next step
        await asyncio.sleep(0)
    left = checks.tasks_started_since(before)
    if left:
        for task in left:
            task.cancel()
        fail(
            tr("`with_deadline` returned the job's result, but left {tasks} it started running.",
               tasks=plural(len(left), "task"), count=len(left)),
            observed=tr("the job was done after {needed} and with_deadline returned; still running then: {running}.",
                        needed=seconds(seconds_needed),
                        running=listed(f"{task.get_coro().__qualname__}()" for task in left)),
            expected=tr("nothing left running once with_deadline returns, as its docstring says."),
            timeline=recorder.timeline(),
            advice=tr("Cancel what your code started to keep the time once the job is done (a task sleeping for the "
                      "timeout, say), or let `asyncio.wait_for(job(), timeout)` keep it: it leaves nothing behind."),
        )
    # A falsy result is a result too: 0 must not turn into the fallback, nor may None. These calls begin while the
    # loop's clock reads less than `timeout`, and their jobs end after it does: a deadline at the moment `timeout`
    # (asyncio.timeout_at(timeout), or one counted from the loop's start) cuts them short on every draw.
    pause = timeout - seconds_needed / 2 - loop_clock()
    if pause > 0:
        await asyncio.sleep(pause)
    again = Recorder()
    job = again.job("job", seconds_needed, 0)
    got = await learner.call("with_deadline", job, timeout, "timeout!")
    cancelled_at_deadline("with_deadline", again, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    if got != 0 or got is False:
        fail(
            tr("`with_deadline` returned {value} for a job that returned 0 in time.", value=shown(got)),
            observed=tr("the job needed {needed}, the timeout was {timeout}, and the job returned 0.",
                        needed=seconds(seconds_needed), timeout=seconds(timeout)),
            expected=tr("0, the job's own result: a falsy result is still a result."),
            timeline=again.timeline(),
            advice=tr("Return the fallback only when the deadline passed (in `except TimeoutError:`), not when the "
                      "result looks empty: `result or fallback` turns 0, '' and [] into the fallback."),
        )
    again = Recorder()
    job = again.job("job", seconds_needed, None)
    got = await learner.call("with_deadline", job, timeout, "timeout!")
    cancelled_at_deadline("with_deadline", again, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    if got is not None:
        fail(
            tr("`with_deadline` returned {value} for a job that returned None in time.", value=shown(got)),
            observed=tr("the job needed {needed}, the timeout was {timeout}, and the job returned None.",
                        needed=seconds(seconds_needed), timeout=seconds(timeout)),
            expected=tr("None, the job's own result: a job may return None in time, and that is its result."),
            timeline=again.timeline(),
            advice=tr("Return the fallback only when the deadline passed (in `except TimeoutError:`): a job may "
                      "return None in time, so None cannot mark a timeout, and a test such as `if result is None: "
                      "return fallback` turns the job's own None into the fallback."),
        )


async def test_with_deadline_returns_the_fallback_at_the_deadline(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    seconds_needed = rng.choice(DURATIONS[4:])
    timeout = deadline_between(rng, DURATIONS[0], seconds_needed)
    job = recorder.job("job", seconds_needed, rng.randint(100, 999))
    fallback = rng.choice(["timeout!", "too slow", "gave up"])
    outcome, elapsed = await checks.timed_outcome(learner, "with_deadline", job, timeout, fallback)
    timeline = recorder.timeline()
    await strays(recorder)
    if isinstance(outcome.error, TimeoutError):
        fail(
            tr("`with_deadline` let TimeoutError escape instead of returning the fallback."),
            observed=tr("the job needed {needed}, the timeout was {timeout}, and TimeoutError came out of with_deadline.",
                        needed=seconds(seconds_needed), timeout=seconds(timeout)),
            expected=tr("{fallback}, the fallback value, returned at the deadline.", fallback=repr(fallback)),
            advice=tr("Wrap the wait in `try: ... except TimeoutError: return fallback`."),
        )
    awaitable_needed("with_deadline", outcome, learner)
    ran_the_work("with_deadline", recorder, outcome.value, "job")
    cancelled_at_deadline("with_deadline", recorder, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    times = {"elapsed": seconds(elapsed), "timeout": seconds(timeout), "needed": seconds(seconds_needed)}
    if elapsed < timeout - checks.TOLERANCE:
        fail(
            tr("`with_deadline` gave up after {elapsed}, before the {timeout} deadline.", **times),
            observed=tr("the job was allowed {timeout}, but your code stopped waiting for it at {elapsed}.", **times),
            expected=tr("the job given its full {timeout}, and the fallback returned at that moment.", **times),
            timeline=timeline,
            advice=tr(GIVEN_TIMEOUT_ADVICE),
        )
    if abs(elapsed - timeout) > checks.TOLERANCE:
        fail(
            tr("`with_deadline` returned after {elapsed}; the deadline was {timeout}.", **times),
            observed=tr("the job needed {needed}, and the call only came back at {elapsed}.", **times),
            expected=tr("a return at the deadline, {timeout}: the point of a timeout is not to wait for slow work.",
                        **times),
            timeline=timeline,
            advice=tr("`await asyncio.wait_for(job(), timeout)` raises TimeoutError at the deadline, while the job "
                      "is still running. Timing the job and comparing afterwards waits for all of it."),
        )
    if outcome.value != fallback:
        fail(
            tr("`with_deadline` returned {value} for a job that missed the deadline.", value=shown(outcome.value)),
            expected=tr("{fallback}, the fallback it was given.", fallback=repr(fallback)),
            timeline=timeline,
        )
    again = Recorder()
    job = again.job("job", seconds_needed, rng.randint(100, 999))
    await zero_call(learner, "with_deadline", again, (job, 0, fallback), fallback)


async def test_with_deadline_cancels_the_late_job(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    seconds_needed = rng.choice(DURATIONS[4:])
    timeout = deadline_between(rng, DURATIONS[0], seconds_needed)
    job = recorder.job("job", seconds_needed, rng.randint(100, 999))
    outcome = await learner.outcome("with_deadline", job, timeout, "timeout!")
    if outcome.error is not None and not isinstance(outcome.error, TimeoutError):
        awaitable_needed("with_deadline", outcome, learner)
    running = await strays(recorder)
    timeline = recorder.timeline()
    if running:
        left_running("with_deadline", running, timeline, tr("the {timeout} deadline", timeout=seconds(timeout)))
    late = [s for s in recorder.spans if s.state == "done"]
    if late:
        ran_past("with_deadline", late, timeout, timeline)


async def test_with_deadline_lets_a_cancellation_through(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    seconds_needed = rng.choice(DURATIONS[4:])
    timeout = deadline_between(rng, DURATIONS[0], seconds_needed)
    job = recorder.job("job", seconds_needed, rng.randint(100, 999))
    fallback = rng.choice(["timeout!", "too slow", "gave up"])
    task = asyncio.create_task(learner.function("with_deadline")(job, timeout, fallback))
    at = timeout / 2  # before the deadline: this cancellation comes from the caller, not from the timeout
    await asyncio.sleep(at)
    ended_early = task.done()
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=STOP_WITHIN)
    learner.check_not_blocked("with_deadline")
    if ended_early:
        await learner.call("with_deadline", recorder.job("job", seconds_needed, job.result), timeout, fallback)
        return  # it returned before the deadline: the other graders tell what is wrong
    if not done:  # the plugin stops the task once the grader is over (learner.stop_stragglers)
        fail(
            tr("`with_deadline` kept running after it was cancelled."),
            observed=tr("it was cancelled from outside at {at}, before its {timeout} deadline, and was still running "
                        "{later} later.", at=seconds(at), timeout=seconds(timeout), later=seconds(STOP_WITHIN)),
            expected=tr("the coroutine ending cancelled: CancelledError travels on to the caller, who asked it to stop."),
            timeline=recorder.timeline(),
            advice=tr(CANCEL_ADVICE),
        )
    timeline = recorder.timeline()
    running = await strays(recorder)
    blanks = {"at": seconds(at), "timeout": seconds(timeout)}
    if not task.cancelled():
        error = task.exception()
        if error is not None:
            awaitable_needed("with_deadline", Outcome(None, error), learner)
        value = task.result()
        fail(
            tr("`with_deadline` swallowed a cancellation that did not come from its deadline."),
            observed=tr("it was cancelled from outside at {at}, before its {timeout} deadline, and returned {value} as "
                        "if nothing had happened.", value=shown(value), **blanks),
            expected=tr("the coroutine ending cancelled: CancelledError travels on to the caller, who asked it to stop."),
            timeline=timeline,
            advice=tr("Catch TimeoutError, which is how `asyncio.wait_for(job(), timeout)` tells you the deadline "
                      "passed, and let CancelledError through. If you cancel the job yourself at the deadline, note "
                      "that you did and turn only that cancellation into the fallback.") if value == fallback
            else tr(CANCEL_ADVICE),
        )
    if running:
        fail(
            tr("`with_deadline` was cancelled, but its job kept running."),
            observed=tr("it was cancelled from outside at {at}, before its {timeout} deadline, and ended cancelled, "
                        "but the job was still running after that: nobody will use its result.", **blanks),
            expected=tr("the job cancelled along with with_deadline, so that nothing is left running."),
            timeline=timeline,
            advice=tr("A Task of the job's own goes on when the code awaiting it is cancelled: `asyncio.wait(...)` "
                      "and `asyncio.shield(...)` do not pass the cancellation on. Let `asyncio.wait_for(job(), "
                      "timeout)` run the job, which cancels it either way, or cancel the job's Task in a `finally:` "
                      "block."),
        )


async def zero_call(learner: Learner, name: str, recorder: Recorder, args: tuple[Any, ...], expected: Any) -> None:
    """`name(*args)` where the timeout among `args` is 0 (on every draw: `timeout or None` gives no deadline instead):
    what a timeout gives, `expected`, returned at once (down to checks.AT_ONCE: a floor of 0.01 s is a wait), with
    nothing left running."""
    __tracebackhide__ = True
    start = loop_clock()
    got = await learner.call(name, *args)
    elapsed = loop_clock() - start
    running = await strays(recorder)
    if got != expected:
        zero_timeout(name, got, repr(expected), recorder)
    if elapsed >= checks.AT_ONCE:
        fail(
            tr("`{name}` returned after {elapsed} for a timeout of 0.", name=name, elapsed=seconds(elapsed)),
            expected=tr("a return at once: a timeout of 0 leaves no time to wait."),
            timeline=recorder.timeline(),
            advice=tr(checks.ZERO_FLOOR_ADVICE),
        )
    if running:
        left_running(name, running, recorder.timeline(), tr("the deadline of a timeout of 0"))


def zero_timeout(name: str, got: object, expected: str, recorder: Recorder) -> None:
    """Fails: `name`, given a timeout of 0, returned `got` where `expected` (a repr) was due."""
    __tracebackhide__ = True
    done = [s.label for s in recorder.spans if s.state == "done"]
    fail(
        tr("`{name}` returned {got} for a timeout of 0.", name=name, got=shown(got)),
        observed=(tr("with a timeout of 0, {done} ran to its end.", done=listed(done)) if len(done) == 1
                  else tr("with a timeout of 0, {done} ran to their end.", done=listed(done))) if done else shown(got),
        expected=tr("{expected}: a timeout of 0 gives the work no time.", expected=expected),
        timeline=recorder.timeline(),
        # Work run to its end tells a timeout taken for none; else what came back is the way out taken for 0.
        advice=tr(checks.ZERO_ADVICE) if done
        else tr("A timeout of 0 is a timeout like any other, with no time in it: give it to `asyncio.wait_for` or "
                "`asyncio.timeout` as it is, and return what a timeout gives, {expected}. A way out of your own for 0 "
                "(`if timeout <= 0:`) has to return the same.", expected=expected),
    )


async def alone_and_late(learner: Learner, rng: random.Random, name: str, needed: float, timeout: float) -> None:
    """`name` ("each_within" or "steps_within") called with a list of one job that needs `needed`, past `timeout`, must
    come back as [None] (each_within) or [] (steps_within), the job cut at the timeout: one job is a list like any
    other."""
    __tracebackhide__ = True
    of_jobs = name == "each_within"  # else steps_within, a list of steps
    recorder = Recorder()
    job = recorder.job("job 0" if of_jobs else "step 0", needed, rng.randint(100, 999))
    got = await learner.call(name, [job], timeout)
    running = await strays(recorder)
    cut = not running and not any(s.state == "done" for s in recorder.spans)
    expected: list[Any] = [None] if of_jobs else []
    if got == expected and cut:
        return
    blanks = {"needed": seconds(needed), "timeout": seconds(timeout)}
    observed = (tr("a list of one job that needs {needed}, with a timeout of {timeout}.", **blanks) if of_jobs
                else tr("a list of one step that needs {needed}, with a timeout of {timeout}.", **blanks))
    expected_text = (tr("[None], the job cancelled at {timeout}: one job is a list like any other.", **blanks)
                     if of_jobs else tr("[], the step cancelled at {timeout}: one step is a list like any other.", **blanks))
    if not cut:
        fail(
            tr("`each_within` did not give a lone job its deadline: it returned {got}.", got=shown(got)) if of_jobs
            else tr("`steps_within` did not give a lone step the deadline: it returned {got}.", got=shown(got)),
            observed=observed, expected=expected_text, timeline=recorder.timeline(),
            advice=tr("Give every job its deadline, however many there are: a shortcut for a single job (awaiting it "
                      "as it is) waits for all of it.") if of_jobs else
            tr("Put the deadline on the steps however many there are: a shortcut for a single step (awaiting it "
               "as it is) waits for all of it."),
        )
    # Cut at the deadline, as it should be: what is wrong is what came back.
    checks.returned(name, got, list, tr("a list of results and Nones") if of_jobs else tr("a list of results"))
    foreign = [g for g in got if g is not None and g != job.result]
    if foreign:
        fail(
            tr("`each_within` kept entries of earlier calls: for a lone job it returned {got}.", got=shown(got))
            if of_jobs else tr("`steps_within` kept entries of earlier calls: for a lone step it returned {got}.", got=shown(got)),
            observed=tr("{first} It was cancelled at the deadline, as it should be, and {count} of the entries returned "
                        "are results that nothing in this call gave.", first=observed, count=len(foreign)),
            expected=expected_text, timeline=recorder.timeline(),
            advice=tr("Make the results inside {name}, afresh for each call: a list or dict at module level, or a "
                      "mutable default argument, outlives the call and keeps the entries of earlier calls.", name=name),
        )
    fail(
        tr("`each_within` returned {got} for a lone job cut at its deadline.", got=shown(got)) if of_jobs
        else tr("`steps_within` returned {got} for a lone step cut at the deadline.", got=shown(got)),
        observed=tr("{first} It was cancelled at the deadline, as it should be.", first=observed),
        expected=expected_text, timeline=recorder.timeline(),
        advice=tr("A job that missed its deadline is None in its place: one entry per job, in order.") if of_jobs
        else tr(STEPS_DONE_ONLY_ADVICE),
    )


# each_within


def mixed_jobs(rng: random.Random, recorder: Recorder, count: int | None = None,
               timeout: float | None = None) -> tuple[list[AsyncJob], float]:
    """Some jobs finish before the timeout and some after, in shuffled order.

    At least two finish in time, and not in argument order, so results collected in finishing
    order never pass for results in job order.
    """
    count = count or rng.randint(4, 6)
    timeout = timeout or rng.choice([1.75, 2.25, 2.75, 3.25])
    fast = [d for d in DURATIONS if d < timeout]
    slow = [d for d in DURATIONS if d > timeout]
    n_fast = rng.randint(2, min(count - 1, len(fast)))
    durations = [*rng.sample(fast, n_fast), *(rng.choice(slow) for _ in range(count - n_fast))]
    rng.shuffle(durations)
    in_time = [i for i, d in enumerate(durations) if d < timeout]
    if [durations[i] for i in in_time] == sorted(durations[i] for i in in_time):
        for i, d in zip(in_time, sorted((durations[i] for i in in_time), reverse=True)):
            durations[i] = d
    results = rng.sample(range(100, 1000), count)
    return [recorder.job(f"job {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))], timeout


async def listed_twice(learner: Learner, rng: random.Random) -> None:
    """each_within with a job in the list twice, apart, on every draw: each entry is a run of its own (a dict of
    Tasks keyed by the job runs it once, and gives both places that one result)."""
    __tracebackhide__ = True
    recorder = Recorder()
    jobs, timeout = mixed_jobs(rng, recorder, rng.randint(3, 4))
    twice = next(j for j in jobs if j.seconds < timeout)
    at = jobs.index(twice)
    jobs.insert(rng.choice([i for i in range(len(jobs) + 1) if abs(i - at) > 1] or [len(jobs)]), twice)
    got = await learner.call("each_within", jobs, timeout)
    runs = len(recorder.started(twice.label))
    await strays(recorder)
    if runs < 2:
        fail(
            tr("`{name}` ran {job} {times}, though it is listed twice in the jobs it was given.", name="each_within",
               job=twice.label, times=plural(runs, "time")),
            observed=tr("{job} is the same job object at two places of the list; each_within returned {got}.",
                        job=twice.label, got=shown(got)),
            expected=tr("one run per entry of the list: a job listed twice runs twice, each run with its own deadline."),
            timeline=recorder.timeline(),
            advice=tr("Start one Task (or one wait_for) per entry of the list, in the list's order, not one per "
                      "distinct job: keep them in a list, not in a dict or a set keyed by the job."),
        )
    expected = [j.result if j.seconds < timeout else None for j in jobs]
    if got != expected:
        places = [i for i, j in enumerate(jobs) if j is twice]
        fail(
            tr("`each_within` returned {got}, though every job ran.", got=shown(got)),
            observed=tr("{job} is the same job object at places {first} and {second} of the list.", job=twice.label,
                        first=places[0], second=places[1]),
            expected=tr("{expected}: each place given the result of its own run, {job}'s at both of its places.",
                        expected=repr(expected), job=twice.label),
            timeline=recorder.timeline(),
            advice=tr("Put each result at the place of its own entry: keep the runs in a list in the order of `jobs` "
                      "(`asyncio.gather` does). `results[jobs.index(job)]` finds a job's first place only."),
        )


def deadline_escaped(name: str, learner: Learner, outcome: Outcome, expected: list[Any]) -> None:
    """Fails when a per-job wait_for's TimeoutError reached the caller: each job had its own
    deadline, but nothing caught the error it raises."""
    __tracebackhide__ = True
    error = outcome.error
    lines = [line.strip() for line in learner.format_error(error).splitlines() if "wait_for(" in line] if error else []
    if not isinstance(error, TimeoutError) or not lines:
        return
    fail(
        tr("`{name}` let a job's TimeoutError escape: nothing caught it.", name=name),
        observed=tr("`{line}` raised TimeoutError for a job that missed its deadline, and no except block around it "
                    "caught TimeoutError, so the whole call failed.", line=lines[-1]),
        expected=tr("{expected}: each job's own result, or None where that job missed its deadline.",
                    expected=repr(expected)),
        details=learner.format_error(error),
        advice=tr("Catch `TimeoutError` around each wait_for and return None there (`asyncio.TimeoutError` is the "
                  "same class since Python 3.11). CancelledError is what the job itself receives, not what "
                  "wait_for raises."),
        cause=f"escaped deadline {name}",
    )


async def test_each_within_keeps_the_fast_results(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, timeout = mixed_jobs(rng, recorder)
    # A falsy result is a result too, on every draw: `result or None` must not turn it into a missed deadline.
    rng.choice([j for j in jobs if j.seconds < timeout]).result = rng.choice([0, "", False])
    expected = [j.result if j.seconds < timeout else None for j in jobs]
    outcome = await learner.outcome("each_within", jobs, timeout)
    timeline = recorder.timeline()
    await strays(recorder)
    deadline_escaped("each_within", learner, outcome, expected)
    if isinstance(outcome.error, TimeoutError):
        fail(
            tr("`each_within` raised TimeoutError: one slow job spoiled the whole batch."),
            observed=tr("{fast} of the {count} jobs finished within {timeout}, but their results were lost with the "
                        "TimeoutError.", fast=sum(r is not None for r in expected), count=len(jobs), timeout=seconds(timeout)),
            expected=tr("{expected}: each job's own result, or None where that job missed its deadline.",
                        expected=repr(expected)),
            timeline=timeline,
            advice=tr("Give every job its own deadline, `asyncio.wait_for(job(), timeout)` with its own "
                      "try/except, and gather those. One timeout around the whole gather cancels everything at once."),
        )
    awaitable_needed("each_within", outcome, learner)
    got = outcome.value
    ran_the_work("each_within", recorder, got, "jobs")
    cancelled_at_deadline("each_within", recorder, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    checks.returned("each_within", got, list, tr("a list of results and Nones"))
    if got == expected:
        await each_within_again(learner, rng, jobs, timeout, expected)
        again = Recorder()
        zero_jobs, _ = mixed_jobs(rng, again, rng.randint(3, 4))
        await zero_call(learner, "each_within", again, (zero_jobs, 0), [None] * len(zero_jobs))
        await listed_twice(learner, rng)
        return
    if sorted(map(repr, got)) == sorted(map(repr, expected)):
        checks.same_results("each_within", got, expected, recorder)  # the right results, in finishing order
    errors = [i for i, g in enumerate(got) if isinstance(g, BaseException)]
    if errors and len(got) == len(expected):
        fail(
            tr("`each_within` put {entry} in the list where job {i} ran out of time.", entry=shown(got[errors[0]]),
               i=errors[0]),
            observed=tr("{got}: exception objects where the late jobs' results would be.", got=shown(got, width=400)),
            expected=tr("{expected}: None only where a job missed its own deadline.", expected=repr(expected)),
            timeline=timeline,
            advice=tr("None, not the exception, marks a job that ran out of time: catch TimeoutError around each "
                      "job's `asyncio.wait_for(job(), timeout)` and return None there."),
        )
    lost = [i for i, (g, e) in enumerate(zip(got, expected)) if e is not None and g is None]
    if lost and len(got) == len(expected) and all(not expected[i] for i in lost):
        # Only falsy results became None, and each of those jobs ran to its end in time: the code read the result as
        # a truth value.
        fail(
            tr("`each_within` turned a falsy result into None: job {i} returned {value} in time.", i=lost[0],
               value=repr(expected[lost[0]])),
            observed=tr("{got}: None for {lost}, which finished before {timeout} with a result that is false as a "
                        "truth value.", got=repr(got), lost=", ".join(f"job {i}" for i in lost), timeout=seconds(timeout)),
            expected=tr("{expected}: None only where a job missed its own deadline.", expected=repr(expected)),
            timeline=timeline,
            advice=tr("A result of 0, \"\" or False is a result: keep it as the job gave it. `result or None`, or "
                      "`if result:`, turns it into None; mark only the jobs that ran out of time (where TimeoutError "
                      "was caught)."),
        )
    if lost and len(got) == len(expected):
        fail(
            tr("`each_within` threw away the results of {jobs} that finished in time.",
               jobs=plural(len(lost), "job"), count=len(lost)),
            observed=tr("{got}: None for {lost}, which finished before {timeout}.",
                        got=repr(got), lost=", ".join(f"job {i}" for i in lost), timeout=seconds(timeout)),
            expected=tr("{expected}: None only where a job missed its own deadline.", expected=repr(expected)),
            timeline=timeline,
            advice=tr("One timeout around the whole gather cancels the fast jobs' results along with the slow "
                      "jobs. Wrap each job in its own `asyncio.wait_for(job(), timeout)`, then gather those."),
        )
    checks.same_results("each_within", got, expected, recorder)


async def each_within_again(learner: Learner, rng: random.Random, first: list[AsyncJob], timeout: float,
                            before: list[Any]) -> None:
    """A second call with fewer jobs than the first: its list holds this call's entries only."""
    __tracebackhide__ = True
    recorder = Recorder()
    jobs, _ = mixed_jobs(rng, recorder, rng.randint(3, len(first) - 1), timeout)
    expected = [j.result if j.seconds < timeout else None for j in jobs]
    got = await learner.call("each_within", jobs, timeout)
    await strays(recorder)
    if got == expected:
        return
    checks.returned("each_within", got, list, tr("a list of results and Nones"))
    old = [g for g in got if g is not None and g not in expected and g in before]
    if len(got) > len(expected) or old:
        fail(
            tr("`each_within` kept entries of its first call in a second call."),
            observed=tr("a second call, with {count} jobs after a first call with {first}, returned {got}: entries "
                        "of the first call outlived it.", count=len(jobs), first=len(first), got=repr(got)),
            expected=tr("{expected}: one entry per job of this call, each job's own result, or None where that job "
                        "missed its deadline.", expected=repr(expected)),
            timeline=recorder.timeline(),
            advice=tr("Make the results inside each_within, afresh for each call: a list or dict at module level, or "
                      "a mutable default argument, outlives the call and keeps the entries of earlier calls. "
                      "`asyncio.gather` returns a new list each time."),
        )
    checks.same_results("each_within", got, expected, recorder)


async def test_each_within_takes_the_longest_allowed_time(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, timeout = mixed_jobs(rng, recorder)
    outcome, elapsed = await checks.timed_outcome(learner, "each_within", jobs, timeout)
    timeline = recorder.timeline()
    await strays(recorder)
    deadline_escaped("each_within", learner, outcome, [j.result if j.seconds < timeout else None for j in jobs])
    awaitable_needed("each_within", outcome, learner)
    ran_the_work("each_within", recorder, outcome.value, "jobs")
    cancelled_at_deadline("each_within", recorder, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    expected = min(max(j.seconds for j in jobs), timeout)
    if abs(elapsed - expected) <= checks.TOLERANCE:
        await each_in_time(learner, rng)
        return
    times = {"elapsed": seconds(elapsed), "timeout": seconds(timeout), "expected": seconds(expected)}
    if elapsed > expected and recorder.max_in_flight <= 1:
        summary = tr("`each_within` gave the jobs their chance one after another: it took {elapsed}.", **times)
        advice = tr("Start every job's wait_for before awaiting any: `asyncio.gather(*(wait(job) for job in jobs))`, "
                    "where `wait` is a small coroutine doing the wait_for and the try/except for one job.")
    elif elapsed > expected:
        summary = tr("`each_within` took {elapsed}, past the {timeout} deadline.", **times)
        advice = tr("Stop waiting at the deadline: `asyncio.wait_for(job(), timeout)` for each job.")
    else:
        summary = tr("`each_within` returned after {elapsed}, before the jobs had their full {timeout}.", **times)
        advice = tr("Give each job the whole timeout, all of them at the same time.")
    fail(
        summary,
        observed=tr("{jobs} with a timeout of {timeout} each; the call took {elapsed}.",
                    jobs=plural(len(jobs), "job"), count=len(jobs), **times),
        expected=tr("all jobs running at once, so the call takes {expected}: the longest job, or the timeout if "
                    "some job is slower than that.", **times),
        timeline=timeline,
        advice=advice,
    )


async def each_in_time(learner: Learner, rng: random.Random) -> None:
    """A call where every job finishes well before the timeout: it takes the longest job, not the timeout."""
    __tracebackhide__ = True
    recorder = Recorder()
    timeout = rng.choice([3.75, 4.25, 4.75])
    durations = rng.sample([d for d in DURATIONS if d <= timeout - 1], rng.randint(3, 4))
    if durations == sorted(durations):  # they would finish in their own order, where results in finishing order pass
        durations.reverse()
    jobs = [recorder.job(f"job {i}", d, r) for i, (d, r) in enumerate(zip(durations, rng.sample(range(100, 1000), 4)))]
    longest = max(j.seconds for j in jobs)
    # Tasks hashed by the order they were made: results read in the order of asyncio.wait's `done` come out the same
    # on every run of a file and seed, and backwards.
    with ranked(asyncio.get_running_loop()):
        outcome, elapsed = await checks.timed_outcome(learner, "each_within", jobs, timeout)
    await strays(recorder)
    if outcome.error is None and isinstance(outcome.value, list):
        checks.same_results("each_within", outcome.value, [j.result for j in jobs], recorder)
    if abs(elapsed - longest) > checks.TOLERANCE and elapsed > longest:
        times = {"elapsed": seconds(elapsed), "timeout": seconds(timeout), "longest": seconds(longest)}
        fail(
            tr("`each_within` took {elapsed}, though every job was done after {longest}.", **times),
            observed=tr("{jobs}, each done well within its {timeout}; the call came back only at {elapsed}.",
                        jobs=plural(len(jobs), "job"), count=len(jobs), **times),
            expected=tr("a return at {longest}, once the longest job is done: the timeout is a limit, not a wait.",
                        **times),
            timeline=recorder.timeline(),
            advice=tr("Return as soon as every job is done or out of time: gather the jobs' `asyncio.wait_for(job(), "
                      "timeout)` calls. Waiting out the whole timeout (a sleep of it, say) keeps the caller waiting "
                      "for nothing."),
        )


async def test_each_within_cancels_the_late_jobs(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, timeout = mixed_jobs(rng, recorder)
    outcome = await learner.outcome("each_within", jobs, timeout)
    if outcome.error is not None and not isinstance(outcome.error, TimeoutError):
        awaitable_needed("each_within", outcome, learner)
    running = await strays(recorder)
    timeline = recorder.timeline()
    if running:
        left_running("each_within", running, timeline, tr("its {timeout} deadline", timeout=seconds(timeout)))
    late = [s for s in recorder.spans if s.state == "done" and (s.duration or 0) > timeout]
    if late:
        ran_past("each_within", late, timeout, timeline)
    # A lone late job, on every draw: one job is a list like any other (a shortcut for it may not skip its deadline).
    needed = rng.choice([d for d in DURATIONS if d > timeout + 0.5])
    await alone_and_late(learner, rng, "each_within", needed, timeout)


# steps_within


def make_steps(rng: random.Random, recorder: Recorder) -> tuple[list[AsyncJob], float, int]:
    """Steps, and a deadline in the middle of step k (returned as (steps, timeout, k)).

    The deadline falls after more time than any single step takes, so a fresh timeout per step
    (a common mistake) never fires and cannot pass for one deadline over all of them.
    """
    while True:
        durations = [rng.choice(DURATIONS[:4]) for _ in range(rng.randint(5, 7))]
        # k < the last: a step follows the cut one, so code that goes on after the cut shows it.
        cuts = [k for k in range(1, len(durations) - 1) if sum(durations[:k]) > max(durations)]
        if cuts:
            break
    k = rng.choice(cuts)
    results = rng.sample(range(100, 1000), len(durations))
    steps = [recorder.job(f"step {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))]
    return steps, sum(durations[:k]) + durations[k] / 2, k


def steps_in_turn(recorder: Recorder, timeline: str) -> None:
    """Fails when steps overlapped: they are to run one after another."""
    __tracebackhide__ = True
    most = recorder.most_at_once()
    if most <= 1:
        return
    fail(
        tr("`steps_within` ran {most} steps at the same time.", most=most),
        observed=tr("up to {most} steps were running at once, though each step is to start only when the one before "
                    "it has finished.", most=most),
        expected=tr("the steps one after another, under one deadline for all of them."),
        timeline=timeline,
        advice=tr("Await each step before you start the next: `async with asyncio.timeout(timeout):` around "
                  "`for step in steps: results.append(await step())`."),
        cause="steps overlapped",
    )


def went_on_after_the_cut(recorder: Recorder, start: float, timeout: float, k: int, timeline: str) -> None:
    """Fails when the step the deadline cancelled was followed by more steps: the stop was caught, and the loop
    went on."""
    __tracebackhide__ = True
    cut = [s for s in recorder.spans if s.state == "cancelled" and abs((s.end or 0) - start - timeout) <= checks.TOLERANCE]
    if not cut:
        return
    later = [s for s in recorder.spans if s.start >= (cut[0].end or 0) - checks.TOLERANCE and s is not cut[0]]
    after = [s.label for s in later]
    if not after:
        return
    # Each later step cancelled the moment it started: a deadline that had already passed met each of them (a
    # timeout block, or a wait_for, per step, with the TimeoutError caught inside the loop); later steps that ran
    # on show that the CancelledError was caught inside the one block.
    each_cut_at_once = all(s.state == "cancelled" and (s.end or 0) - s.start <= checks.TOLERANCE for s in later)
    fail(
        tr("`steps_within` went on with the steps after the deadline had stopped one."),
        observed=tr("{cut} was cancelled at the {timeout} deadline, yet {after} started after it: the error that "
                    "stopped it was caught, and the loop went on.", cut=cut[0].label, after=", ".join(after),
                    timeout=seconds(timeout)),
        expected=tr("no step started after {timeout}: the deadline is for all the steps together.",
                    timeout=seconds(timeout)),
        timeline=timeline,
        advice=tr("Each later step was cancelled the moment it started: the deadline had passed, the TimeoutError "
                  "was caught inside the loop, and the loop went on to the next step. Stop at the first TimeoutError: "
                  "`try:` / `async with asyncio.timeout(timeout):` / the loop / `except TimeoutError: pass`, one "
                  "deadline around all the steps, and the except block outside the loop.") if each_cut_at_once
        else tr("Do not catch CancelledError inside `async with asyncio.timeout(timeout):`: it is how the deadline "
                "stops the running step, and the block turns it into TimeoutError only if it travels out. Catch "
                "TimeoutError outside the block, around the whole loop."),
        cause="steps went on after the cut",
    )


LOOP_CLOCK_ADVICE = (
    "Keep the deadline by the event loop's clock, by which asyncio's sleeps and timeouts run: `loop = "
    "asyncio.get_running_loop()`, then `deadline = loop.time() + timeout` (on an ordinary loop, `loop.time()` is "
    "`time.monotonic()`); or one `async with asyncio.timeout(timeout):` around all the steps."
)
# Its failures say so where steps_within keeps the deadline by the time module's clock.
told_the_loop_clock = loop_clock_told("steps_within", lambda: tr(LOOP_CLOCK_ADVICE),
                                      "steps_within keeps time by the real clock")


@told_the_loop_clock
async def test_steps_within_returns_the_steps_done_in_time(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    steps, timeout, k = make_steps(rng, recorder)
    # Falsy results among those in time, on every draw: a step's None, and its 0 or "" where a truthy result is left
    # beside them, are results like any other (a list with none left would look like one that lost them all).
    falsy, other = rng.sample(steps[:k], 2)
    falsy.result = None
    if k > 2:
        other.result = rng.choice([0, ""])
    start = loop_clock()
    outcome = await learner.outcome("steps_within", steps, timeout)
    returned = loop_clock() - start
    timeline = recorder.timeline()
    await strays(recorder)
    if isinstance(outcome.error, TimeoutError):
        fail(
            tr("`steps_within` let TimeoutError escape instead of returning the steps that were done."),
            observed=tr("{steps} finished before the {timeout} deadline, but TimeoutError came out and their results "
                        "were lost.", steps=plural(k, "step"), count=k, timeout=seconds(timeout)),
            expected=tr("{results}: the results so far.", results=repr([s.result for s in steps[:k]])),
            timeline=timeline,
            advice=tr("Catch it outside the block: `try:` / `async with asyncio.timeout(timeout):` / the loop / "
                      "`except TimeoutError: pass`, then return the list."),
        )
    awaitable_needed("steps_within", outcome, learner)
    got = outcome.value
    ran_the_work("steps_within", recorder, got, "steps", STEPS_ADVICE)
    steps_in_turn(recorder, timeline)
    went_on_after_the_cut(recorder, start, timeout, k, timeline)
    cancelled_at_deadline("steps_within", recorder, timeout, shared=True, advice=STEPS_ADVICE)
    checks.returned("steps_within", got, list, tr("a list of results"))
    expected = [s.result for s in steps[:k]]
    if got != expected and (got == [r for r in expected if r is not None] or got == [r for r in expected if r]):
        dropped = falsy if got == [r for r in expected if r is not None] else other
        fail(
            tr("`steps_within` left out the result of {step}, which returned {value} in time.", step=dropped.label,
               value=repr(dropped.result)),
            observed=repr(got),
            expected=tr("{expected}: the steps finished within {timeout} in all.",
                        expected=repr(expected), timeout=seconds(timeout)),
            timeline=timeline,
            advice=tr("Append every step's result as it is, 0, \"\" and None included: a test such as `if result:` "
                      "or `if result is not None:` drops a result the step really returned."),
        )
    if got != expected and got[:k] == expected and all(r is None for r in got[k:]):
        fail(
            tr("`steps_within` put a None in the list for each step that did not finish in time."),
            observed=tr("{got}: the first {count} entries are the steps done in time; the rest are Nones.",
                        got=repr(got), count=k),
            expected=tr("{expected}: the steps finished within {timeout} in all.",
                        expected=repr(expected), timeout=seconds(timeout)),
            timeline=timeline,
            advice=tr(STEPS_DONE_ONLY_ADVICE),
        )
    if got != expected:
        more = isinstance(got, list) and len(got) > k
        late = [s for s in recorder.spans if s.state == "done" and (s.end or 0) - start > timeout + checks.TOLERANCE]
        unstarted = [s for s in steps[:k] if not recorder.started(s.label)]
        if not more and unstarted and returned < timeout - checks.TOLERANCE:
            # It stopped of its own accord: the deadline had not come, and a step that had time was never started.
            blanks = {"got": repr(got), "at": seconds(returned), "timeout": seconds(timeout), "step": unstarted[0].label}
            fail(
                tr("`steps_within` returned {results}; {steps} fit in the deadline.",
                   results=plural(len(got), "result"), steps=plural(k, "step")),
                observed=tr("{got}: it returned at {at}, before the {timeout} deadline, and never started {step}.",
                            **blanks),
                expected=tr("{expected}: the steps finished within {timeout} in all.",
                            expected=repr(expected), timeout=seconds(timeout)),
                timeline=timeline,
                advice=tr("A step that returns {value} is done like any other: go on to the next. Stop only when the "
                          "steps run out or the deadline's TimeoutError comes.", value=repr(got[-1]))
                if got and not got[-1]
                else tr("Go on to the next step until the steps run out or the deadline's TimeoutError comes: "
                        "stopping sooner leaves undone steps that had time to run."),
            )
        fail(
            tr("`steps_within` returned {results}; {steps} fit in the deadline.",
               results=plural(len(got), "result"), steps=plural(k, "step")),
            observed=tr("{got}: {labels} ran past the {timeout} deadline, and their results are in the list too.",
                        got=repr(got), labels=", ".join(s.label for s in late), timeout=seconds(timeout)) if more and late
            else repr(got),
            expected=tr("{expected}: the steps finished within {timeout} in all.",
                        expected=repr(expected), timeout=seconds(timeout)),
            timeline=timeline,
            advice=tr("One deadline for all the steps together: `async with asyncio.timeout(timeout):` around the "
                      "whole loop, entered once. A deadline per step (a wait_for, or an `asyncio.timeout` block inside "
                      "the loop) gives each step the full timeout again.")
            if more else tr("Append each result to a list as its step finishes, inside the timeout block, and "
                            "return that list after `except TimeoutError:`: the steps done before the deadline "
                            "keep their results."),
        )
    all_in_time = sum(s.seconds for s in steps) + rng.choice([0.25, 0.75])
    for step in steps:
        step.recorder = Recorder()  # a fresh record for the second call
    first = got
    start = loop_clock()
    got = await learner.call("steps_within", steps, all_in_time)
    elapsed = loop_clock() - start
    if got != [s.result for s in steps]:
        if isinstance(got, list) and len(got) > len(steps) and got[:len(got) - len(steps)] == first:
            fail(
                tr("`steps_within` returned {got} when every step had time to finish.", got=shown(got)),
                observed=tr("this was a second call; {old}, the results of the first call, were still in the list it "
                            "returned.", old=repr(first)),
                expected=tr("{results}: every step's result, in order.", results=repr([s.result for s in steps])),
                advice=tr("Make the results list inside the function, fresh for each call. A list at module level, "
                          "or a mutable default argument (`results=[]`), is shared by every call and grows with each "
                          "one."),
            )
        fail(
            tr("`steps_within` returned {got} when every step had time to finish.", got=shown(got)),
            expected=tr("{results}: every step's result, in order.", results=repr([s.result for s in steps])),
            advice=tr("Return the list at the end of the function, after the timeout block, so that it comes back "
                      "whether the deadline passed or not: when no deadline passed, your code reached no `return` "
                      "with the list.") if got is None
            else tr("Append each step's result as it finishes and return that list once the loop is done."),
        )
    needed = sum(s.seconds for s in steps)
    if elapsed > needed + checks.TOLERANCE:
        times = {"elapsed": seconds(elapsed), "needed": seconds(needed), "timeout": seconds(all_in_time)}
        fail(
            tr("`steps_within` took {elapsed}, though every step was done after {needed}.", **times),
            observed=tr("this call's deadline, {timeout}, left time to spare; the call came back only at {elapsed}.",
                        **times),
            expected=tr("a return at {needed}, once the last step is done: the timeout is a limit, not a wait.", **times),
            advice=tr("Return the list as soon as the loop is done: `async with asyncio.timeout(timeout):` around the "
                      "loop ends with it. Waiting out the whole timeout keeps the caller waiting for nothing."),
        )
    # And a timeout of 0: no result.
    again = Recorder()
    for step in steps:
        step.recorder = again
    await zero_call(learner, "steps_within", again, (steps, 0), [])


@told_the_loop_clock
async def test_steps_within_returns_at_the_deadline(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    steps, timeout, k = make_steps(rng, recorder)
    start = loop_clock()
    outcome, elapsed = await checks.timed_outcome(learner, "steps_within", steps, timeout)
    timeline = recorder.timeline()
    await strays(recorder)
    if outcome.error is not None and not isinstance(outcome.error, TimeoutError):
        awaitable_needed("steps_within", outcome, learner)
    ran_the_work("steps_within", recorder, outcome.value, "steps", STEPS_ADVICE)
    steps_in_turn(recorder, timeline)
    went_on_after_the_cut(recorder, start, timeout, k, timeline)
    cancelled_at_deadline("steps_within", recorder, timeout, shared=True, advice=STEPS_ADVICE)
    if abs(elapsed - timeout) > checks.TOLERANCE:
        times = {"elapsed": seconds(elapsed), "timeout": seconds(timeout)}
        fail(
            tr("`steps_within` returned after {elapsed}; the deadline for all steps was {timeout}.", **times),
            observed=tr("{steps} started; the call took {elapsed}.", steps=plural(len(recorder.spans), "step"),
                        count=len(recorder.spans), **times),
            expected=tr("a return at {timeout}, in the middle of step {k}.", k=k, **times),
            timeline=timeline,
            advice=tr("`async with asyncio.timeout(timeout):` around the whole loop puts one deadline on all the "
                      "steps together and interrupts the step that is running when it passes."),
        )


@told_the_loop_clock
async def test_steps_within_cancels_the_interrupted_step(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    steps, timeout, k = make_steps(rng, recorder)
    start = loop_clock()
    await learner.outcome("steps_within", steps, timeout)
    running = await strays(recorder)
    timeline = recorder.timeline()
    if running:
        left_running("steps_within", running, timeline, tr("the {timeout} deadline", timeout=seconds(timeout)))
    steps_in_turn(recorder, timeline)
    went_on_after_the_cut(recorder, start, timeout, k, timeline)
    # Steps started after the deadline say more about the mistake than the step it let run past.
    after = [s.label for s in recorder.spans if s.start - start > timeout + checks.TOLERANCE]
    if after:
        fail(
            tr("`steps_within` started {steps} after the deadline had passed.", steps=", ".join(after)),
            observed=tr("the {timeout} deadline passed during step {k}, yet the steps went on.",
                        timeout=seconds(timeout), k=k),
            expected=tr("no step started after {timeout}: the deadline is for all the steps together.",
                        timeout=seconds(timeout)),
            timeline=timeline,
            advice=tr("`async with asyncio.timeout(timeout):` around the whole loop: one deadline for all steps. "
                      "A deadline per step (a wait_for, or an `asyncio.timeout` block inside the loop) gives each step "
                      "the full timeout again."),
        )
    late = [s for s in recorder.spans if s.state == "done" and (s.end or 0) - start > timeout + checks.TOLERANCE]
    if late:
        ran_past(
            "steps_within", late, timeout, timeline,
            "`async with asyncio.timeout(timeout):` around the whole loop: one deadline for all the steps, enforced "
            "while they run. Comparing the clock afterwards cannot stop anything, and a deadline per step (a "
            "wait_for, or an `asyncio.timeout` block inside the loop) gives each step the full timeout again.",
            # ran_past translates it
        )
    # A lone step that runs past the deadline, on every draw: one step is a list like any other.
    needed = timeout + rng.choice([0.5, 1.0, 1.5])
    await alone_and_late(learner, rng, "steps_within", needed, timeout)


# run_and_clean_up


def _clean_up() -> None:
    """The shape of clean_up: a function of no arguments."""


class CleanUp:
    """The clean_up callback: counts its calls and notes whether the job had ended by then."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.calls: list[str] = []
        posing_as(self, _clean_up, "clean_up")

    def __call__(self) -> None:
        states = [s.state for s in self.recorder.spans]
        self.calls.append(states[0] if states else "not started")


async def cleaned_late(cleanup: CleanUp) -> None:
    """Fails when clean_up() had not run as run_and_clean_up returned, and ran within the next few turns of the loop."""
    __tracebackhide__ = True
    called = len(cleanup.calls)
    for _ in range(3):
        await asyncio.sleep(0)
    if not called and cleanup.calls:
        fail(
            tr("`run_and_clean_up` called clean_up() only after it had returned."),
            observed=tr("clean_up() had not run when run_and_clean_up came back; the event loop ran it a moment later."),
            expected=tr("clean_up() called once, before run_and_clean_up returns or raises."),
            advice=tr("Call clean_up() itself in `finally:`. Handing it to the loop (`loop.call_soon(clean_up)`, a task) "
                      "runs it only after run_and_clean_up has returned, when its caller may already count on it."),
        )


def cleaned_once(cleanup: CleanUp, when: str, advice: str) -> None:
    __tracebackhide__ = True
    if len(cleanup.calls) != 1:
        fail(
            tr("`run_and_clean_up` called clean_up() {times} {when}.", times=plural(len(cleanup.calls), "time"),
               count=len(cleanup.calls), when=when),
            expected=tr("exactly one call, whatever happened to the job."),
            advice=tr(TWICE_ADVICE) if len(cleanup.calls) > 1 else advice,
        )


FINALLY_ADVICE = "Put clean_up() in a `finally:` block around `return await job()`: it runs on return, on error and on cancellation."
TWICE_ADVICE = ("clean_up() ran more than once: a `finally:` block also runs after an except block (and after "
                "a return), so calling it there too calls it twice. Keep one call, in `finally:` only.")
CANCEL_ADVICE = (
    "Do not catch CancelledError; use `finally:` for cleanup. If you must catch it, end the except block with a bare `raise`."
)


RETURN_IN_FINALLY_ADVICE = (
    "A `return` inside `finally:` ends whatever exception was on its way out (the job's error, or the "
    "CancelledError) and returns instead. Return from the `try:` block (`return await job()`) and keep only "
    "clean_up() in `finally:`."
)


def raised_in_place_of_cancel(learner: Learner, error: BaseException) -> str | None:
    """The learner's own `raise ...` line that replaced a CancelledError, if the traceback shows one."""
    return checks.raised_in_place_of(learner, error, asyncio.CancelledError)


async def test_run_and_clean_up_returns_the_result_and_cleans_up(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    job = recorder.job("job", rng.choice(DURATIONS[:8]), rng.randint(100, 999))
    cleanup = CleanUp(recorder)
    outcome = await learner.outcome("run_and_clean_up", job, cleanup)
    if outcome.error is not None:
        awaited_clean_up(learner, outcome.error)
        learner.fail_raised("run_and_clean_up", outcome.error)
    await cleaned_late(cleanup)
    got = outcome.value
    if got != job.result:
        fail(tr("`run_and_clean_up` returned {got}.", got=shown(got)),
             expected=tr("{result}, the job's result.", result=repr(job.result)))
    cleaned_once(cleanup, tr("when the job finished normally"), tr(FINALLY_ADVICE))
    if cleanup.calls != ["done"]:
        fail(
            tr("`run_and_clean_up` called clean_up() before the job was finished."),
            expected=tr("clean_up() after the job, on the way out."),
            advice=tr(FINALLY_ADVICE),
        )
    # A falsy result, on every draw: the job's result as it is.
    again = Recorder()
    falsy = rng.choice([0, ""])
    got = await learner.call("run_and_clean_up", again.job("job", job.seconds, falsy), CleanUp(again))
    if got != falsy or type(got) is not type(falsy):
        fail(tr("`run_and_clean_up` returned {got} for a job that returned {value}.", got=shown(got), value=repr(falsy)),
             expected=tr("{value}, the job's result: a falsy result is still a result.", value=repr(falsy)),
             advice=tr("Return the job's result as it is: `return await job()` inside the `try:`. A test such as "
                       "`result or None` turns a result of 0 or \"\" into something else."))


class FailingJob(AsyncJob):
    """A job that raises JobFailed and keeps each exception it made, to tell the one it raised from a copy."""

    def __init__(self, recorder: Recorder, seconds: float) -> None:
        super().__init__(recorder, "job", seconds, None, True)
        self.made: list[BaseException] = []

    def failure(self) -> JobFailed:
        error = super().failure()
        self.made.append(error)
        return error


def raised_by_the_job(job: FailingJob, error: BaseException) -> bool:
    """Whether `error` is the very exception object the job raised (not a copy, not another one in its place)."""
    return any(error is made for made in job.made)


async def test_run_and_clean_up_cleans_up_when_the_job_fails(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    job = FailingJob(recorder, rng.choice(DURATIONS[:8]))
    cleanup = CleanUp(recorder)
    outcome = await learner.outcome("run_and_clean_up", job, cleanup)
    if outcome.error is not None:
        awaited_clean_up(learner, outcome.error)
    await cleaned_late(cleanup)
    cleaned_once(cleanup, tr("when the job raised {error}", error=repr(job.failure())),
                 sentences(tr("An exception from `await job()` skips the rest of the `try:` block and every except block "
                              "that does not match it."), tr(FINALLY_ADVICE)))
    if outcome.error is None:
        fail(
            tr("`run_and_clean_up` returned {got} although its job raised {error}.", got=shown(outcome.value),
               error=repr(job.failure())),
            expected=tr("the job's exception travelling on to the caller once clean_up() has run."),
            advice=tr(RETURN_IN_FINALLY_ADVICE) if checks.in_finally(learner, "run_and_clean_up", (ast.Return,))
            else tr("Let the job's exception through: `try: return await job()` with `finally: clean_up()`, and no "
                    "except block that ends the error."),
        )
    if not raised_by_the_job(job, outcome.error):
        error = outcome.error
        line = checks.raised_in_place_of(learner, error, JobFailed)
        fail(
            tr("`run_and_clean_up` replaced the job's exception with {kind}.", kind=type(error).__name__)
            if not isinstance(error, JobFailed)
            else tr("`run_and_clean_up` raised a new JobFailed in place of the one its job raised."),
            observed=tr("the job raised {error}; the caller got {got} in its place.",
                        error=repr(job.failure()), got=shown(error)),
            expected=tr("the job's own exception travelling on to the caller once clean_up() has run: the same "
                        "object, with its type, its message and the traceback that shows where it came from."),
            details=learner.format_error(error),
            advice=sentences(
                tr("Your `{line}` made a new exception in place of the job's.", line=line) if line is not None
                else tr("Your code raised a new exception in place of the job's."),
                tr("Let the job's error propagate as it is: clean up in `finally:` with no except block, or end the "
                   "except block with a bare `raise`.")),
        )


STOP_WITHIN = 60.0  # seconds of loop time a cancelled run_and_clean_up may take to stop: far more than any job


async def cancelled_midway(learner: Learner, rng: random.Random) -> tuple[asyncio.Task[Any], AsyncJob, CleanUp, float]:
    """Runs run_and_clean_up in a task and cancels that task halfway through its job."""
    recorder = Recorder()
    job = recorder.job("job", rng.choice(DURATIONS[2:]), rng.randint(100, 999))
    cleanup = CleanUp(recorder)
    task = asyncio.create_task(learner.function("run_and_clean_up")(job, cleanup))
    await asyncio.sleep(job.seconds / 2)
    ended_early = task.done()
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=STOP_WITHIN)
    learner.check_not_blocked("run_and_clean_up")
    if not done:  # the plugin stops the task once the grader is over (learner.stop_stragglers)
        fail(
            tr("`run_and_clean_up` kept running after it was cancelled."),
            observed=tr("it was cancelled at {at}, halfway through its job, and was still running {later} later: the "
                        "CancelledError was caught, and the code went on waiting.",
                        at=seconds(job.seconds / 2), later=seconds(STOP_WITHIN)),
            expected=tr("the coroutine stopping when cancelled: its `finally:` blocks run, then CancelledError travels "
                        "on to the caller."),
            timeline=recorder.timeline(),
            advice=tr(CANCEL_ADVICE),
        )
    if ended_early:
        task.exception()  # retrieved here; the call below reports what went wrong, the usual way
        await learner.call("run_and_clean_up", recorder.job("job", job.seconds, job.result), CleanUp(recorder))
        fail(
            tr("`run_and_clean_up` returned before its job had finished."),
            expected=tr("`return await job()`: wait for the job and return its result."),
            timeline=recorder.timeline(),
        )
    return task, job, cleanup, job.seconds / 2


def awaited_clean_up(learner: Learner, error: BaseException, *, cancelled_at: float | None = None) -> None:
    """Fails in plain words when `error` is the TypeError of `await clean_up()`: clean_up is a plain function."""
    __tracebackhide__ = True
    lines = [line for line in learner.format_error(error).splitlines() if "await" in line and "clean_up(" in line]
    if not isinstance(error, TypeError) or not lines:
        return
    when = (tr("When it was cancelled at {at}, `{line}` raised TypeError, which replaced the CancelledError.",
               at=seconds(cancelled_at), line=lines[-1].strip()) if cancelled_at is not None
            else tr("`{line}` raised TypeError.", line=lines[-1].strip()))
    fail(
        tr("`run_and_clean_up` awaited `clean_up()`, which is a plain function."),
        observed=sentences(when, tr("clean_up() returns None, and None cannot be awaited.")),
        expected=tr("`clean_up()` called as it is, without `await`."),
        details=learner.format_error(error),
        advice=tr("Call `clean_up()` without `await`: only coroutines are awaited."),
        cause="awaited clean_up",
    )


async def test_run_and_clean_up_cleans_up_when_cancelled(learner: Learner, rng: random.Random) -> None:
    task, job, cleanup, at = await cancelled_midway(learner, rng)
    cleaned_once(cleanup, tr("when it was cancelled at {at}, halfway through its job", at=seconds(at)),
                 sentences(tr("Cancellation arrives as CancelledError at the `await` that is waiting, so code after "
                              "the await never runs."), tr(FINALLY_ADVICE)))


async def test_run_and_clean_up_lets_the_cancellation_through(learner: Learner, rng: random.Random) -> None:
    task, job, cleanup, at = await cancelled_midway(learner, rng)
    if not task.cancelled():
        error = task.exception()
        if error is not None:
            awaited_clean_up(learner, error, cancelled_at=at)
            fail(
                tr("`run_and_clean_up` raised {kind} while it was being cancelled, instead of letting the "
                   "cancellation through.", kind=type(error).__name__),
                observed=tr("it was cancelled at {at}, halfway through its job; on the way out its own code raised "
                            "{kind}, which replaced the CancelledError.", at=seconds(at), kind=type(error).__name__),
                expected=tr("the coroutine ending cancelled: CancelledError travels on to the caller."),
                details=learner.format_error(error),
                advice=tr("Your `{line}` raised {kind} in place of the CancelledError. Let the cancellation through as "
                          "it is: end the except block with a bare `raise`, or catch nothing and clean up in "
                          "`finally:`.", line=line, kind=type(error).__name__)
                if (line := raised_in_place_of_cancel(learner, error)) is not None
                else tr("Make the cleanup itself safe: an exception raised in `finally:` (or in an except block) "
                        "replaces the one that was on its way out."),
            )
        fail(
            tr("`run_and_clean_up` swallowed the cancellation."),
            observed=tr("it was cancelled at {at}, halfway through its job, and returned {value} as if nothing happened.",
                        at=seconds(at), value=shown(task.result())) if error is None
            else tr("it was cancelled at {at}, halfway through its job, and raised {kind} as if nothing happened.",
                    at=seconds(at), kind=type(error).__name__),
            expected=tr("the coroutine ending cancelled (CancelledError travels on to the caller). A timeout around "
                        "it depends on that: `asyncio.wait_for(run_and_clean_up(...), 1)` returns this value instead of "
                        "raising TimeoutError, and the caller never learns that the work was cut short."),
            advice=tr(RETURN_IN_FINALLY_ADVICE) if checks.in_finally(learner, "run_and_clean_up", (ast.Return,)) else tr(CANCEL_ADVICE),
        )
    running = await strays(job.recorder)
    if running:
        fail(
            tr("`run_and_clean_up` was cancelled, but its job kept running."),
            observed=tr("it was cancelled at {at}, halfway through its job, and ended cancelled, but the job was still "
                        "running after that: nobody will use its result.", at=seconds(at)),
            expected=tr("the job cancelled along with run_and_clean_up: it stops at the `await` where it waits."),
            timeline=job.recorder.timeline(),
            advice=tr("Await the job itself: `return await job()`. Cancelling run_and_clean_up then cancels the job "
                      "where it waits. `asyncio.shield(...)`, or a Task of the job's own that nothing cancels, keeps "
                      "the job running after its caller has gone."),
        )
