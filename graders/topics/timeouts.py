"""Graders for topic 04: asyncio.wait_for and asyncio.timeout."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from graders import checks
from graders.feedback import fail, plural, seconds
from graders.learner import Learner, Outcome
from graders.probes import AsyncJob, Recorder, Span, loop_clock

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

DURATIONS = [0.5 * k for k in range(1, 17)]


def deadline_between(rng: random.Random, low: float, high: float) -> float:
    """A timeout at least 0.25 s away from both `low` and `high`, so nothing finishes exactly at it."""
    return rng.choice([d + 0.25 for d in DURATIONS if low <= d and d + 0.5 <= high])


def awaitable_needed(name: str, outcome: Outcome, learner: Learner) -> None:
    """A job handed to wait_for uncalled (`wait_for(job, ...)`) gets its own explanation."""
    __tracebackhide__ = True
    error = outcome.error
    if isinstance(error, TypeError) and "awaitable is required" in str(error):
        fail(
            f"`{name}` gave asyncio.wait_for the job function itself instead of a coroutine.",
            observed=f"asyncio.wait_for raised TypeError: {error}",
            expected="wait_for(job(), timeout): the coroutine you get by calling the job.",
            advice="Call the job to get something to wait for: `await asyncio.wait_for(job(), timeout)`.",
            details=learner.format_error(error),
        )
    if error is not None:
        learner.fail_raised(name, error)


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
    unawaited = recorder.never_awaited()
    fail(
        f"`{name}` never ran the {what}.",
        observed=f"it called {', '.join(unawaited)} but never awaited "
        + ("the coroutine" if len(unawaited) == 1 else "the coroutines") + ", so nothing ran."
        if unawaited
        else f"it returned {value!r:.60} without calling the {what}.",
        expected=f"the {what} running until done or until the deadline, whichever comes first.",
        advice=advice,
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
    fail(
        f"`{name}` cancelled {noun(off)} {'before' if ran < timeout else 'after'} the {seconds(timeout)} deadline.",
        observed=f"{first.label} was cancelled {seconds(ran)} after " + ("the call started" if shared else "it started")
        + f", but the timeout was {seconds(timeout)}.",
        expected=f"work cancelled exactly when its {seconds(timeout)} are up: "
        + ("whatever finishes within the timeout keeps its result." if ran < timeout
           else "the caller asked not to wait any longer than that."),
        timeline=recorder.timeline(),
        advice=advice,
    )


def noun(spans: list[Span]) -> str:
    """"job" or "step", as the probes are labelled, in the right number."""
    word = spans[0].label.split()[0]
    return plural(len(spans), word)


def left_running(name: str, running: list[Span], timeline: str, deadline: str) -> None:
    __tracebackhide__ = True
    they = "it keeps" if len(running) == 1 else "they keep"
    fail(
        f"`{name}` returned but left {noun(running)} running in the background.",
        observed=f"still running after it returned: {', '.join(s.label for s in running)}. Nobody will use the "
        f"result, yet {they} using time, memory and connections.",
        expected=f"work that misses {deadline} cancelled at that moment.",
        timeline=timeline,
        advice="`asyncio.wait_for` cancels the work for you when the time is up. `asyncio.wait(..., timeout=...)` "
        "and `asyncio.shield` do not: with them you must call `task.cancel()` yourself.",
    )


RAN_PAST_ADVICE = (
    "Let asyncio enforce the deadline while the work runs: `asyncio.wait_for(job(), timeout)`. "
    "Comparing the clock afterwards cannot stop anything."
)


def ran_past(name: str, late: list[Span], deadline: float, timeline: str, advice: str = RAN_PAST_ADVICE) -> None:
    __tracebackhide__ = True
    it = "it" if len(late) == 1 else "them"
    fail(
        f"`{name}` let {noun(late)} run to the end instead of cancelling at the deadline.",
        observed=f"{', '.join(s.label for s in late)} finished after the {seconds(deadline)} deadline: "
        f"your code waited for {it} instead of stopping {it} when the time was up.",
        expected=f"the late work cancelled at {seconds(deadline)}, its `finally:` blocks run, and no result.",
        timeline=timeline,
        advice=advice,
    )


# with_deadline


async def test_with_deadline_returns_the_result_in_time(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    seconds_needed = rng.choice(DURATIONS[:8])
    job = recorder.job("job", seconds_needed, rng.randint(100, 999))
    timeout = deadline_between(rng, seconds_needed, DURATIONS[-1])
    outcome, elapsed = await checks.timed_outcome(learner, "with_deadline", job, timeout, "timeout!")
    awaitable_needed("with_deadline", outcome, learner)
    ran_the_work("with_deadline", recorder, outcome.value, "job")
    cancelled_at_deadline("with_deadline", recorder, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    if outcome.value != job.result:
        fail(
            f"`with_deadline` returned {outcome.value!r:.60} for a job that finished in time.",
            observed=f"the job needed {seconds(seconds_needed)}, the timeout was {seconds(timeout)}.",
            expected=f"{job.result!r}, the job's own result.",
            timeline=recorder.timeline(),
        )
    if abs(elapsed - seconds_needed) > checks.TOLERANCE:
        fail(
            f"`with_deadline` took {seconds(elapsed)}; the job was done after {seconds(seconds_needed)}.",
            expected="a return as soon as the job's result is there.",
            timeline=recorder.timeline(),
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
            "`with_deadline` let TimeoutError escape instead of returning the fallback.",
            observed=f"the job needed {seconds(seconds_needed)}, the timeout was {seconds(timeout)}, and TimeoutError "
            "came out of with_deadline.",
            expected=f"{fallback!r}, the fallback value, returned at the deadline.",
            advice="Wrap the wait in `try: ... except TimeoutError: return fallback`.",
        )
    awaitable_needed("with_deadline", outcome, learner)
    ran_the_work("with_deadline", recorder, outcome.value, "job")
    cancelled_at_deadline("with_deadline", recorder, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    if elapsed < timeout - checks.TOLERANCE:
        fail(
            f"`with_deadline` gave up after {seconds(elapsed)}, before the {seconds(timeout)} deadline.",
            observed=f"the job was allowed {seconds(timeout)}, but your code stopped waiting for it at {seconds(elapsed)}.",
            expected=f"the job given its full {seconds(timeout)}, and the fallback returned at that moment.",
            timeline=timeline,
            advice=GIVEN_TIMEOUT_ADVICE,
        )
    if abs(elapsed - timeout) > checks.TOLERANCE:
        fail(
            f"`with_deadline` returned after {seconds(elapsed)}; the deadline was {seconds(timeout)}.",
            observed=f"the job needed {seconds(seconds_needed)}, and the call only came back at {seconds(elapsed)}.",
            expected=f"a return at the deadline, {seconds(timeout)}: the point of a timeout is not to wait for slow work.",
            timeline=timeline,
            advice="`await asyncio.wait_for(job(), timeout)` raises TimeoutError at the deadline, while the job "
            "is still running. Timing the job and comparing afterwards waits for all of it.",
        )
    if outcome.value != fallback:
        fail(
            f"`with_deadline` returned {outcome.value!r:.60} for a job that missed the deadline.",
            expected=f"{fallback!r}, the fallback it was given.",
            timeline=timeline,
        )


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
        left_running("with_deadline", running, timeline, f"the {seconds(timeout)} deadline")
    late = [s for s in recorder.spans if s.state == "done"]
    if late:
        ran_past("with_deadline", late, timeout, timeline)


# each_within


def mixed_jobs(rng: random.Random, recorder: Recorder) -> tuple[list[AsyncJob], float]:
    """Some jobs finish before the timeout and some after, in shuffled order."""
    count = rng.randint(4, 6)
    timeout = rng.choice([1.75, 2.25, 2.75, 3.25])
    fast = [d for d in DURATIONS if d < timeout]
    slow = [d for d in DURATIONS if d > timeout]
    n_fast = rng.randint(1, count - 1)
    durations = [rng.choice(fast) for _ in range(n_fast)] + [rng.choice(slow) for _ in range(count - n_fast)]
    rng.shuffle(durations)
    results = rng.sample(range(100, 1000), count)
    return [recorder.job(f"job {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))], timeout


async def test_each_within_keeps_the_fast_results(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, timeout = mixed_jobs(rng, recorder)
    expected = [j.result if j.seconds < timeout else None for j in jobs]
    outcome = await learner.outcome("each_within", jobs, timeout)
    timeline = recorder.timeline()
    await strays(recorder)
    if isinstance(outcome.error, TimeoutError):
        fail(
            "`each_within` raised TimeoutError: one slow job spoiled the whole batch.",
            observed=f"{sum(r is not None for r in expected)} of the {len(jobs)} jobs finished within "
            f"{seconds(timeout)}, but their results were lost with the TimeoutError.",
            expected=f"{expected!r}: each job's own result, or None where that job missed its deadline.",
            timeline=timeline,
            advice="Give every job its own deadline, `asyncio.wait_for(job(), timeout)` with its own "
            "try/except, and gather those. One timeout around the whole gather cancels everything at once.",
        )
    awaitable_needed("each_within", outcome, learner)
    got = outcome.value
    ran_the_work("each_within", recorder, got, "jobs")
    cancelled_at_deadline("each_within", recorder, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    checks.returned("each_within", got, list, "a list of results and Nones")
    if got == expected:
        return
    lost = [i for i, (g, e) in enumerate(zip(got, expected)) if e is not None and g is None]
    if lost and len(got) == len(expected):
        fail(
            f"`each_within` threw away the results of {plural(len(lost), 'job')} that finished in time.",
            observed=f"{got!r}: None for {', '.join(f'job {i}' for i in lost)}, which finished before {seconds(timeout)}.",
            expected=f"{expected!r}: None only where a job missed its own deadline.",
            timeline=timeline,
            advice="One timeout around the whole gather cancels the fast jobs' results along with the slow "
            "jobs. Wrap each job in its own `asyncio.wait_for(job(), timeout)`, then gather those.",
        )
    fail("`each_within` returned the wrong list.", observed=repr(got), expected=repr(expected), timeline=timeline)


async def test_each_within_takes_the_longest_allowed_time(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, timeout = mixed_jobs(rng, recorder)
    outcome, elapsed = await checks.timed_outcome(learner, "each_within", jobs, timeout)
    timeline = recorder.timeline()
    await strays(recorder)
    awaitable_needed("each_within", outcome, learner)
    ran_the_work("each_within", recorder, outcome.value, "jobs")
    cancelled_at_deadline("each_within", recorder, timeout, shared=False, advice=GIVEN_TIMEOUT_ADVICE)
    expected = min(max(j.seconds for j in jobs), timeout)
    if abs(elapsed - expected) <= checks.TOLERANCE:
        return
    if elapsed > expected and recorder.max_in_flight <= 1:
        summary = f"`each_within` gave the jobs their chance one after another: it took {seconds(elapsed)}."
        advice = "Start every job's wait_for before awaiting any: `asyncio.gather(*(wait(job) for job in jobs))`, " \
            "where `wait` is a small coroutine doing the wait_for and the try/except for one job."
    elif elapsed > expected:
        summary = f"`each_within` took {seconds(elapsed)}, past the {seconds(timeout)} deadline."
        advice = "Stop waiting at the deadline: `asyncio.wait_for(job(), timeout)` for each job."
    else:
        summary = f"`each_within` returned after {seconds(elapsed)}, before the jobs had their full {seconds(timeout)}."
        advice = "Give each job the whole timeout, all of them at the same time."
    fail(
        summary,
        observed=f"{plural(len(jobs), 'job')} with a timeout of {seconds(timeout)} each; the call took {seconds(elapsed)}.",
        expected=f"all jobs running at once, so the call takes {seconds(expected)}: the longest job, or the timeout if "
        "some job is slower than that.",
        timeline=timeline,
        advice=advice,
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
        left_running("each_within", running, timeline, f"its {seconds(timeout)} deadline")
    late = [s for s in recorder.spans if s.state == "done" and (s.duration or 0) > timeout]
    if late:
        ran_past("each_within", late, timeout, timeline)


# steps_within


def make_steps(rng: random.Random, recorder: Recorder) -> tuple[list[AsyncJob], float, int]:
    """Steps, and a deadline in the middle of step k (returned as (steps, timeout, k)).

    The deadline falls after more time than any single step takes, so a fresh timeout per step
    (a common mistake) never fires and cannot pass for one deadline over all of them.
    """
    while True:
        durations = [rng.choice(DURATIONS[:4]) for _ in range(rng.randint(5, 7))]
        cuts = [k for k in range(1, len(durations)) if sum(durations[:k]) > max(durations)]
        if cuts:
            break
    k = rng.choice(cuts)
    results = rng.sample(range(100, 1000), len(durations))
    steps = [recorder.job(f"step {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))]
    return steps, sum(durations[:k]) + durations[k] / 2, k


async def test_steps_within_returns_the_steps_done_in_time(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    steps, timeout, k = make_steps(rng, recorder)
    outcome = await learner.outcome("steps_within", steps, timeout)
    timeline = recorder.timeline()
    await strays(recorder)
    if isinstance(outcome.error, TimeoutError):
        fail(
            "`steps_within` let TimeoutError escape instead of returning the steps that were done.",
            observed=f"{plural(k, 'step')} finished before the {seconds(timeout)} deadline, but TimeoutError came out "
            "and their results were lost.",
            expected=f"{[s.result for s in steps[:k]]!r}: the results so far.",
            timeline=timeline,
            advice="Catch it outside the block: `try:` / `async with asyncio.timeout(timeout):` / the loop / "
            "`except TimeoutError: pass`, then return the list.",
        )
    awaitable_needed("steps_within", outcome, learner)
    got = outcome.value
    ran_the_work("steps_within", recorder, got, "steps", STEPS_ADVICE)
    cancelled_at_deadline("steps_within", recorder, timeout, shared=True, advice=STEPS_ADVICE)
    checks.returned("steps_within", got, list, "a list of results")
    expected = [s.result for s in steps[:k]]
    if got != expected:
        more = isinstance(got, list) and len(got) > k
        fail(
            f"`steps_within` returned {plural(len(got), 'result')}; {plural(k, 'step')} fit in the deadline.",
            observed=f"{got!r}" + (": the deadline did not stop the steps that came after it." if more else ""),
            expected=f"{expected!r}: the steps finished within {seconds(timeout)} in all.",
            timeline=timeline,
            advice="One deadline for all the steps together: `async with asyncio.timeout(timeout):` around the "
            "whole loop. A wait_for per step gives each step the full timeout again."
            if more else None,
        )
    all_in_time = sum(s.seconds for s in steps) + rng.choice([0.25, 0.75])
    for step in steps:
        step.recorder = Recorder()  # a fresh record for the second call
    got = await learner.call("steps_within", steps, all_in_time)
    if got != [s.result for s in steps]:
        fail(
            f"`steps_within` returned {got!r:.80} when every step had time to finish.",
            expected=f"{[s.result for s in steps]!r}: every step's result, in order.",
        )


async def test_steps_within_returns_at_the_deadline(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    steps, timeout, k = make_steps(rng, recorder)
    outcome, elapsed = await checks.timed_outcome(learner, "steps_within", steps, timeout)
    timeline = recorder.timeline()
    await strays(recorder)
    if outcome.error is not None and not isinstance(outcome.error, TimeoutError):
        awaitable_needed("steps_within", outcome, learner)
    ran_the_work("steps_within", recorder, outcome.value, "steps", STEPS_ADVICE)
    cancelled_at_deadline("steps_within", recorder, timeout, shared=True, advice=STEPS_ADVICE)
    if abs(elapsed - timeout) > checks.TOLERANCE:
        fail(
            f"`steps_within` returned after {seconds(elapsed)}; the deadline for all steps was {seconds(timeout)}.",
            observed=f"{plural(len(recorder.spans), 'step')} started; the call took {seconds(elapsed)}.",
            expected=f"a return at {seconds(timeout)}, in the middle of step {k}.",
            timeline=timeline,
            advice="`async with asyncio.timeout(timeout):` around the whole loop puts one deadline on all the "
            "steps together and interrupts the step that is running when it passes.",
        )


async def test_steps_within_cancels_the_interrupted_step(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    steps, timeout, k = make_steps(rng, recorder)
    start = loop_clock()
    await learner.outcome("steps_within", steps, timeout)
    running = await strays(recorder)
    timeline = recorder.timeline()
    if running:
        left_running("steps_within", running, timeline, f"the {seconds(timeout)} deadline")
    # Steps started after the deadline say more about the mistake than the step it let run past.
    after = [s.label for s in recorder.spans if s.start - start > timeout + checks.TOLERANCE]
    if after:
        fail(
            f"`steps_within` started {', '.join(after)} after the deadline had passed.",
            observed=f"the {seconds(timeout)} deadline passed during step {k}, yet the steps went on.",
            expected=f"no step started after {seconds(timeout)}: the deadline is for all the steps together.",
            timeline=timeline,
            advice="`async with asyncio.timeout(timeout):` around the whole loop: one deadline for all steps. "
            "A wait_for per step gives each step the full timeout again.",
        )
    late = [s for s in recorder.spans if s.state == "done" and (s.end or 0) - start > timeout + checks.TOLERANCE]
    if late:
        ran_past(
            "steps_within", late, timeout, timeline,
            "`async with asyncio.timeout(timeout):` around the whole loop: one deadline for all the steps, enforced "
            "while they run. Comparing the clock afterwards cannot stop anything, and a wait_for per step gives "
            "each step the full timeout again.",
        )


# run_and_clean_up


class CleanUp:
    """The clean_up callback: counts its calls and notes whether the job had ended by then."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.calls: list[str] = []

    def __call__(self) -> None:
        states = [s.state for s in self.recorder.spans]
        self.calls.append(states[0] if states else "not started")


def cleaned_once(cleanup: CleanUp, when: str, advice: str) -> None:
    __tracebackhide__ = True
    if len(cleanup.calls) != 1:
        fail(
            f"`run_and_clean_up` called clean_up() {plural(len(cleanup.calls), 'time')} {when}.",
            expected="exactly one call, whatever happened to the job.",
            advice=advice,
        )


FINALLY_ADVICE = "Put clean_up() in a `finally:` block around `return await job()`: it runs on return, on error and on cancellation."


async def test_run_and_clean_up_returns_the_result_and_cleans_up(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    job = recorder.job("job", rng.choice(DURATIONS[:8]), rng.randint(100, 999))
    cleanup = CleanUp(recorder)
    got = await learner.call("run_and_clean_up", job, cleanup)
    if got != job.result:
        fail(f"`run_and_clean_up` returned {got!r:.60}.", expected=f"{job.result!r}, the job's result.")
    cleaned_once(cleanup, "when the job finished normally", FINALLY_ADVICE)
    if cleanup.calls != ["done"]:
        fail(
            "`run_and_clean_up` called clean_up() before the job was finished.",
            expected="clean_up() after the job, on the way out.",
            advice=FINALLY_ADVICE,
        )


STOP_WITHIN = 60.0  # seconds of loop time a cancelled run_and_clean_up may take to stop: far more than any job


async def abandon(task: asyncio.Task[Any]) -> None:
    """Stop a task that swallows every cancellation: the test's loop waits for all its tasks before
    closing, so it would hang. Closing the coroutine raises GeneratorExit at its await (`finally:`
    blocks run); the task, woken by one more cancel, then finds nothing left to run."""
    try:
        task.get_coro().close()
    except RuntimeError:  # it swallowed GeneratorExit too: nothing more can be done from here
        pass
    task.cancel()
    await asyncio.wait([task], timeout=STOP_WITHIN)
    if task.done() and not task.cancelled():
        task.exception()  # "cannot reuse already awaited coroutine": ours, not the learner's to read


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
    if not done:
        await abandon(task)
        fail(
            "`run_and_clean_up` kept running after it was cancelled.",
            observed=f"it was cancelled at {seconds(job.seconds / 2)}, halfway through its job, and was still running "
            f"{seconds(STOP_WITHIN)} later: the CancelledError was caught, and the code went on waiting.",
            expected="the coroutine stopping when cancelled: its `finally:` blocks run, then CancelledError travels "
            "on to the caller.",
            timeline=recorder.timeline(),
            advice="Do not catch CancelledError; use `finally:` for cleanup. If you must catch it, end the "
            "except block with a bare `raise`.",
        )
    if ended_early:
        task.exception()  # retrieved here; the call below reports what went wrong, the usual way
        await learner.call("run_and_clean_up", recorder.job("job", job.seconds, job.result), CleanUp(recorder))
        fail(
            "`run_and_clean_up` returned before its job had finished.",
            expected="`return await job()`: wait for the job and return its result.",
            timeline=recorder.timeline(),
        )
    return task, job, cleanup, job.seconds / 2


async def test_run_and_clean_up_cleans_up_when_cancelled(learner: Learner, rng: random.Random) -> None:
    task, job, cleanup, at = await cancelled_midway(learner, rng)
    cleaned_once(cleanup, f"when it was cancelled at {seconds(at)}, halfway through its job",
                 "Cancellation arrives as CancelledError at the `await` that is waiting, so code after the await "
                 "never runs. " + FINALLY_ADVICE)


async def test_run_and_clean_up_lets_the_cancellation_through(learner: Learner, rng: random.Random) -> None:
    task, job, cleanup, at = await cancelled_midway(learner, rng)
    if not task.cancelled():
        error = task.exception()
        ended = f"returned {task.result()!r:.40}" if error is None else f"raised {type(error).__name__}"
        fail(
            "`run_and_clean_up` swallowed the cancellation.",
            observed=f"it was cancelled at {seconds(at)}, halfway through its job, and {ended} as if nothing happened.",
            expected="the coroutine ending cancelled (CancelledError travels on to the caller). A timeout around "
            "it depends on that: `asyncio.wait_for(run_and_clean_up(...), 1)` returns this value instead of "
            "raising TimeoutError, and the caller never learns that the work was cut short.",
            advice="Do not catch CancelledError; use `finally:` for cleanup. If you must catch it, end the "
            "except block with a bare `raise`.",
        )
