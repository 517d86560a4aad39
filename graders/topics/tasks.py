"""Graders for topic 02: asyncio.create_task and asyncio.wait."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest

from graders.harness import checks, naps
from graders.harness.feedback import GraderFailure, fail, plural, seconds, shown
from graders.i18n import sentences, tr
from graders.harness.made_tasks import GraderTask, task_factory
from graders.harness.learner import Learner
from graders.harness.probes import IN_LOOP_TIME, AsyncJob, JobFailed, Recorder, Span, loop_clock

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]


# What to say when start_in_background returns the job's coroutine instead of a Task. Translated where used.
TASK_ADVICE = ("A coroutine does not run until something awaits it; a Task runs by itself in the background. "
               "`return asyncio.create_task(job())` starts the job and hands back the Task at once.")


# Job lengths: 0.13 s past a half second, so that no code that looks at its tasks every 0.05, 0.1, 0.25, 0.3 or
# 0.5 s (a loop of `t.done()` and `asyncio.sleep`) looks just as a job ends: it returns 0.02 s or more late.
DURATIONS = [0.5 * k + 0.13 for k in range(1, 17)]
LONG_JOBS = [0.5 * k + 0.13 for k in range(21, 25)]  # 10.63 to 12.13 s


def make_jobs(rng: random.Random, recorder: Recorder, count: int, fastest_inside: bool = False,
              avoid: frozenset[int] = frozenset(), long: bool = False) -> tuple[list[AsyncJob], list[int]]:
    """`count` jobs of different lengths, not shortest first; results in no order by value, none in `avoid`.
    `long`: the longest takes over 10 s, past a round `timeout=` a wait might be given "just in case"."""
    durations = rng.sample(DURATIONS, count)
    if durations == sorted(durations):
        durations.reverse()
    if long:
        durations[durations.index(max(durations))] = rng.choice(LONG_JOBS)
    fastest = durations.index(min(durations))
    if fastest_inside and fastest in (0, count - 1):
        # so returning jobs[0]'s (or jobs[-1]'s) result can never pass for the fastest one's
        middle = count // 2
        durations[fastest], durations[middle] = durations[middle], durations[fastest]
    results = rng.sample([v for v in range(100, 1000) if v not in avoid], count)
    if results == sorted(results):
        results.reverse()  # so no ordering of the results by value can pass for job order
    return [recorder.job(f"job {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))], results


async def test_start_in_background_returns_a_task_at_once(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    job = recorder.job("job", rng.choice([1, 2, 3]), rng.randint(1, 999))
    start = loop_clock()
    got = await learner.call("start_in_background", job, coroutine_advice=TASK_ADVICE)
    waited = loop_clock() - start
    # Any wait at all, down to checks.AT_ONCE: a `sleep(0.001)` "to let the task start" is a wait.
    if waited >= checks.AT_ONCE:
        awaited = bool(recorder.spans) and recorder.spans[0].end is not None and recorder.spans[0].end <= loop_clock()
        if awaited:
            when = tr("it returned {value} after the job had finished.", value=shown(got))
        elif recorder.spans:
            when = tr("it returned {value} after {waited}, while the job was still running.",
                      value=shown(got), waited=seconds(waited))
        else:
            when = tr("it returned {value} after {waited}, before the job had started.",
                      value=shown(got), waited=seconds(waited))
        fail(
            tr("`start_in_background` waited {waited} before it returned, instead of returning at once.",
               waited=seconds(waited)),
            observed=when,
            expected=tr("a Task returned immediately, while the job runs in the background."),
            advice=tr("`return asyncio.create_task(job())`: no await on the job."),
            cause=AWAITED_THE_JOB if awaited else None,
        )
    returned_the_task(got)


AWAITED_THE_JOB = "start_in_background awaited the job"


def still_running(running: list[Span]) -> str:
    """The jobs left running, by name; a job listed twice, each of whose runs was left, said to be in the list twice."""
    labels = [span.label for span in running]
    twice = next((label for label in labels if labels.count(label) > 1), None)
    shown_labels = ", ".join(labels)
    return tr("{jobs} ({job} is in the list twice, and both of its runs were left)", jobs=shown_labels, job=twice) \
        if twice else shown_labels


def returned_the_task(got: object) -> None:
    """start_in_background returned an asyncio.Task: a Future of another kind (asyncio.shield's, one of the learner's
    own set when the Task ends) gets its own words, since no `await` is missing there."""
    __tracebackhide__ = True
    if isinstance(got, asyncio.Future) and not isinstance(got, asyncio.Task):
        fail(
            tr("`start_in_background` returned a Future that is not a Task."),
            observed=tr("{value}: an asyncio.Future, but not the Task that runs the job.", value=shown(got)),
            expected=tr("the asyncio.Task that runs the job, returned at once."),
            advice=tr("Return the Task that asyncio.create_task gives, as it is: `return asyncio.create_task(job())`. "
                      "Whatever is wrapped around it (`asyncio.shield(task)`, a Future of your own) is another object: "
                      "cancelling it does not reach the job."),
            cause="returned start_in_background Future",
        )
    checks.returned("start_in_background", got, asyncio.Task, tr("an asyncio.Task"))


async def test_start_in_background_task_runs_and_gives_the_result(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    job = recorder.job("job", rng.choice([1, 2, 3]), rng.randint(1, 999))
    task = await learner.call("start_in_background", job, coroutine_advice=TASK_ADVICE)
    returned_the_task(task)
    await asyncio.sleep(0)
    if not recorder.spans:
        turns = 0
        while not recorder.spans and turns < 5:  # how much later it starts, if it does: said as it was seen
            await asyncio.sleep(0)
            turns += 1
        task.cancel()
        if recorder.spans:
            fail(
                tr("The task from `start_in_background` started the job late: not when the caller first awaited."),
                observed=tr("when the caller first awaited, job() had not started; it started {turns} later: the Task "
                            "ran something else first, which started the job only then.",
                            turns=plural(turns, "loop turn")),
                expected=tr("job() running as soon as the caller awaits anything."),
                advice=tr("Hand asyncio.create_task the job's coroutine itself, `asyncio.create_task(job())`, with "
                          "nothing wrapped around it that puts it in a Task of its own (as asyncio.wait_for does on "
                          "Python 3.11): a wrapper adds its own rules, a timeout that cuts a long job short, say."),
            )
        fail(
            tr("The task from `start_in_background` did not start the job."),
            observed=tr("job() had not started {turns} after the caller first awaited.",
                        turns=plural(turns + 1, "loop turn")),
            expected=tr("job() running as soon as the caller awaits anything."),
            advice=tr("Pass the coroutine `job()` to asyncio.create_task."),
        )
    if await task != job.result:
        fail(tr("Awaiting the task did not give the job's result."), expected=repr(job.result))
    # The same job again, failing this time: a new Task, which raises the job's own exception.
    job.fails = True
    raised = job.failure()
    job.failure = lambda: raised  # type: ignore[method-assign]
    outcome = await learner.outcome("start_in_background", job, coroutine_advice=TASK_ADVICE)
    if outcome.error is raised:  # the job's own exception, out of start_in_background itself: it waited for the job
        fail(
            tr("`start_in_background` raised the job's {error} itself, instead of returning the Task.",
               error=type(raised).__name__),
            observed=tr("with a job that fails, the call never returned a Task: the job's exception came out of "
                        "start_in_background, so it had waited for the job to end."),
            expected=tr("the Task, returned while the job still runs; awaiting that Task raises the job's exception."),
            advice=tr("`return asyncio.create_task(job())`: no await on the job. The caller awaits the Task when it "
                      "needs the result, and gets the job's exception then."),
            cause=AWAITED_THE_JOB,
        )
    if outcome.error is not None:
        learner.fail_raised("start_in_background", outcome.error)
    again = outcome.value
    returned_the_task(again)
    if again is task:
        fail(tr("`start_in_background` returned an earlier call's Task for the same job."),
             observed=tr("called again with the same job, it returned the first call's Task, done already: the job did "
                         "not run again."),
             expected=tr("a new Task for each call: the job runs each time."),
             advice=tr("Create the Task in each call: `return asyncio.create_task(job())`. A Task kept from an earlier "
                       "call (in a dict keyed by the job, say) is that call's."))
    try:
        value = await again
    except JobFailed as error:
        if error is raised:
            return
        fail(tr("The task from `start_in_background` raised a new JobFailed in place of the job's."),
             observed=tr("the job raised {raised}; awaiting the task raised {error}: the same type, but another object.",
                         raised=repr(raised), error=shown(error)),
             expected=tr("the job's own exception: the Task raises what its coroutine raises."),
             advice=tr("Create the Task from `job()` itself, with nothing around it that catches the error."))
    fail(tr("The task from `start_in_background` gave {value} for a job that raised JobFailed.", value=shown(value)),
         expected=tr("awaiting the task raising the job's own exception, {raised}.", raised=repr(raised)),
         advice=tr("Create the Task from `job()` itself, with nothing around it that catches the error: a Task "
                   "raises what its coroutine raises."))


def raised_by_run_all(learner: Learner, recorder: Recorder, jobs: list[AsyncJob], error: BaseException,
                      start: float) -> None:
    """Fail for what run_all raised (at once, when the call began at `start`), naming the common mistakes of giving
    asyncio.wait bare coroutines and of reading results after a wait that returned before every job was done."""
    __tracebackhide__ = True
    elapsed = loop_clock() - start
    running = recorder.still_running()
    if isinstance(error, asyncio.InvalidStateError) and elapsed > checks.TOLERANCE and running:
        # It waited, but not until every job was done. Whether that moment was a job's end tells FIRST_COMPLETED (or
        # a wait for some of the tasks) from a timer: a `timeout=` given to asyncio.wait, or a sleep.
        blanks = {"elapsed": seconds(elapsed), "jobs": ", ".join(s.label for s in running)}
        fail(
            tr("`run_all` raised InvalidStateError: it read the results at {elapsed}, while {jobs} still ran.", **blanks),
            observed=what_the_wait_was(recorder, elapsed),
            expected=tr("every job done before run_all reads the results: it takes as long as the longest job, {last}.",
                        last=seconds(max(j.seconds for j in jobs))),
            timeline=recorder.timeline(origin=start),
            advice=tr("`await asyncio.wait(tasks)`, with no `timeout=` and the default `return_when` (ALL_COMPLETED), "
                      "returns only once every task is done; a timeout returns earlier, leaving the unfinished tasks in "
                      "`pending`, whose `.result()` does not exist yet."),
        )
    bare_coroutines("run_all", error, recorder, jobs)
    learner.fail_raised("run_all", error)


def bare_coroutines(name: str, error: BaseException, recorder: Recorder, jobs: list[AsyncJob]) -> None:
    """Fails when `error` is asyncio.wait refusing bare coroutines."""
    __tracebackhide__ = True
    if not (isinstance(error, TypeError) and "coroutines is forbidden" in str(error)):
        return
    for job in jobs:
        recorder.created.pop(job.label, None)
    fail(
        tr("`{name}` passed bare coroutines to asyncio.wait.", name=name),
        observed=tr("asyncio.wait raised TypeError: {error}", error=error),
        expected=tr("a list of tasks given to asyncio.wait."),
        advice=tr("Since Python 3.11, asyncio.wait only takes tasks: wrap each coroutine, "
                  "`tasks = [asyncio.create_task(job()) for job in jobs]`. wait returns sets of those tasks, "
                  "so you can still tell which result belongs to which job."),
        cause="bare coroutines",
    )


def what_the_wait_was(recorder: Recorder, elapsed: float) -> str:
    """Why run_all stopped waiting `elapsed` seconds in, with jobs still running: whether that moment was a job's end
    tells a wait for the first (or for some) of the tasks from a timer (a `timeout=` given to asyncio.wait, or a
    sleep); at once, no wait at all."""
    now = loop_clock()
    ended = [s for s in recorder.spans if s.state == "done" and s.end is not None and abs(s.end - now) <= checks.TOLERANCE]
    if elapsed <= checks.TOLERANCE:
        return tr("it returned at once, without waiting for the tasks it had started.")
    if ended:
        return tr("what it waited on returned at {elapsed}, when {job} finished, before the others: asyncio.wait with "
                  "`return_when=FIRST_COMPLETED`, or a wait for some of the tasks only, returns then.",
                  job=ended[0].label, elapsed=seconds(elapsed))
    return tr("what it waited on returned at {elapsed}, a moment when no job finished: a timer ran out (a `timeout=` "
              "given to asyncio.wait, or a sleep), not the jobs.", elapsed=seconds(elapsed))


def returned_before_the_jobs_ended(recorder: Recorder, jobs: list[AsyncJob], start: float) -> None:
    """Fail when run_all returned while some of its jobs still ran: whatever it returned for them (None, a
    placeholder) is no result."""
    __tracebackhide__ = True
    running = recorder.still_running()
    if not running:
        return
    elapsed = loop_clock() - start
    blanks = {"elapsed": seconds(elapsed), "jobs": ", ".join(s.label for s in running)}
    fail(
        tr("`run_all` returned at {elapsed}, while {jobs} still ran.", **blanks),
        observed=what_the_wait_was(recorder, elapsed),
        expected=tr("every job done before run_all returns: it takes as long as the longest job, {last}.",
                    last=seconds(max(j.seconds for j in jobs))),
        timeline=recorder.timeline(origin=start),
        advice=tr("`await asyncio.wait(tasks)`, with no `timeout=` and the default `return_when` (ALL_COMPLETED), "
                  "returns only once every task is done; with a timeout it returns when the time is up, whatever "
                  "still runs."),
        cause="run_all returned early",
    )


async def test_run_all_returns_results_in_job_order(learner: Learner, rng: random.Random) -> None:
    # Two calls, one after the other in the same process: tasks kept from one call to the next (a list made once,
    # outside the function) bring the first call's results back in the second. The second call's jobs are new but
    # one, a job of the first call that now gives another result (as an async function may when called again): a
    # result kept by job (the job itself, its id or its name) comes back stale. The first call's jobs live on
    # through the second, so no new job gets the id of a freed one: what is caught does not depend on memory.
    first_jobs, first = await run_all_in_order(learner, rng)
    try:
        await run_all_in_order(learner, rng, earlier=(first_jobs, first))
    except GraderFailure as failure:
        if failure.cause is None:
            failure.observed = sentences(failure.observed or "", tr(
                "This was the second of two calls of run_all, one after the other; the first was right."))
        raise


async def run_all_in_order(learner: Learner, rng: random.Random,
                           earlier: tuple[list[AsyncJob], list[int]] | None = None) -> tuple[list[AsyncJob], list[int]]:
    """One call of run_all, judged: its results, in job order, and none from an `earlier` call's jobs (and results)."""
    __tracebackhide__ = True
    recorder = Recorder()
    earlier_jobs, earlier_results = earlier or ([], [])
    # The second call's longest job takes over 10 s: a wait with a `timeout=` "just in case" cuts it.
    jobs, results = make_jobs(rng, recorder, rng.randint(6, 9), avoid=frozenset(earlier_results),
                              long=earlier is not None)
    again = None
    if earlier_jobs:
        # The first call's job at one place comes back at the same place (same label, same name), with this call's
        # length and a new result.
        again = rng.randrange(min(len(jobs), len(earlier_jobs)))
        job = earlier_jobs[again]
        job.recorder, job.seconds, job.result = recorder, jobs[again].seconds, results[again]
        jobs[again] = job
    else:
        # A falsy result is a result too, on every draw: `task.result() or None` must not turn it into None. (0, an
        # int among ints: results sorted by value still tell that mistake.)
        falsy = rng.randrange(len(jobs))
        jobs[falsy].result = results[falsy] = 0
    start = loop_clock()
    with default_task_names(len(jobs)) as first_task:
        outcome = await learner.outcome("run_all", jobs)
    if outcome.error is not None:
        raised_by_run_all(learner, recorder, jobs, outcome.error, start)
    checks.returned("run_all", outcome.value, list, tr("a list of results"))
    returned_before_the_jobs_ended(recorder, jobs, start)
    old = [value for value in outcome.value if earlier and isinstance(value, int) and value in earlier_results]
    stale = [i for i, value in enumerate(outcome.value) if i < len(earlier_results) and value == earlier_results[i]]
    if old and len(outcome.value) == len(jobs) and len(stale) == len(old):
        # As long as the list, with the first call's results at their places: kept by job, not as a list of tasks.
        labels = [jobs[i].label for i in stale]
        rerun = [label for label in labels if recorder.created[label]]
        fail(
            tr("`run_all` returned results its jobs gave in the first call, not what they give now."),
            observed=sentences(
                tr("called a second time, with {jobs}, it returned {got}: at the places of {labels}, what the jobs at "
                   "those places gave in the first call, {old}.", jobs=plural(len(jobs), "job"), count=len(jobs),
                   got=shown(outcome.value), labels=", ".join(labels), old=", ".join(map(repr, old))),
                sentences(tr("{label} was the very same job in both calls; run now, it gives {new}.", label=jobs[again].label,
                   new=repr(results[again])) if again in stale else "",
                tr("It ran them, but handed back the results kept from the first call.") if rerun
                else tr("It did not run them again.")),
            ),
            expected=tr("{expected}: the results of this call's jobs only.", expected=repr(results)),
            advice=tr("Run every job in every call, and return what this call's tasks give: a job may give another "
                      "result each time it runs, and a new job may have the name (or, once the old one is gone, the "
                      "id) of an old one. Keep nothing from one call to the next: no results stored by job outside "
                      "the function."),
        )
    if old:
        fail(
            tr("`run_all` returned results of its earlier call along with this one's."),
            observed=tr("called a second time, with {jobs}, it returned {got}; {old} came from the jobs of the first "
                        "call: something kept between the two calls still held them.",
                        jobs=plural(len(jobs), "job"), count=len(jobs), got=shown(outcome.value),
                        old=", ".join(map(repr, old))),
            expected=tr("{expected}: the results of this call's jobs only.", expected=repr(results)),
            advice=tr("Make the list of tasks inside run_all, afresh in each call: `tasks = [asyncio.create_task(job()) "
                      "for job in jobs]` there. A list kept outside the function (at module level) still holds the "
                      "tasks of every earlier call."),
        )
    misordered(outcome.value, results, recorder, first_task)
    checks.same_results("run_all", outcome.value, results, recorder)
    return jobs, results


@contextlib.contextmanager
def default_task_names(count: int) -> Iterator[int]:
    """While active, tasks made without a name get asyncio's kind of default name ("Task-98"), numbered on from a
    number chosen so that `count` tasks cross a power of ten about halfway: sorted as text ("Task-100" < "Task-99")
    their names are then not in the order the tasks were made, on every seed and whatever ran before (asyncio's own
    counter only grows). Yields the number the first of them gets."""
    first = 100 - count // 2
    numbers = itertools.count(first)

    def make(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> asyncio.Task[Any]:
        if options.get("name") is None:
            options["name"] = f"Task-{next(numbers)}"
        return GraderTask(coro, loop=loop, **options)

    with task_factory(asyncio.get_running_loop(), make):
        yield first


def misordered(got: object, results: list[int], recorder: Recorder, first_task: int | None) -> None:
    """Fail with words of their own when the right results came back sorted: by value, or by their tasks' default
    names compared as text. Whatever else the order is, checks.same_results tells it."""
    __tracebackhide__ = True
    if not isinstance(got, list) or got == results or sorted(map(repr, got)) != sorted(map(repr, results)):
        return
    advice = tr("Results must follow the order of the jobs, whatever their values or their tasks' names: read them "
                "from your own list of tasks, `[task.result() for task in tasks]`, not from the `done` set that "
                "asyncio.wait returns, which has no order at all.")
    if got == sorted(results):
        fail(
            tr("`run_all` returned the right results in the wrong order: sorted by value."),
            observed=tr("{got}: smallest first.", got=shown(got)),
            expected=tr("{expected}: the same order as {given}.", expected=repr(results),
                        given=tr("the jobs you were given")),
            timeline=recorder.timeline(),
            advice=advice,
        )
    if first_task is not None:  # the names the tasks had, unless they were named by hand
        for first in range(first_task - 2, first_task + 3):  # a task or two of its own made before, or after
            order = sorted(range(len(results)), key=lambda i: f"Task-{first + i}")
            if got == [results[i] for i in order]:
                names = [f"Task-{first + i}" for i in range(len(results))]  # as made, in job order
                shorter = [n for n in names if len(n) == len(names[0])]
                fail(
                    tr("`run_all` returned the right results in the wrong order: sorted by their tasks' names."),
                    observed=tr("{got}: the order of the tasks' names, {names}, sorted as text, where \"{later}\" "
                                "comes before \"{earlier}\".", got=shown(got), names=", ".join(names),
                                later=names[len(shorter)], earlier=shorter[-1]),
                    expected=tr("{expected}: the same order as {given}.", expected=repr(results),
                                given=tr("the jobs you were given")),
                    advice=advice,
                )


def both(first: object, second: object) -> str:
    return tr("{first} and {second}", first=first, second=second)


class ChangingJob(AsyncJob):
    """A job that gives the next of `results` each time it is called, as an async function may (the last one again
    once they run out)."""

    def __init__(self, recorder: Recorder, label: str, seconds: float, results: list[Any]) -> None:
        super().__init__(recorder, label, seconds, results[0], False)
        self.results = results

    def __call__(self) -> Coroutine[Any, Any, Any]:
        made = self.recorder.created[self.label]
        self.recorder.created[self.label] += 1
        coroutine = self._giving(self.results[min(made, len(self.results) - 1)])
        self.recorder.coroutines.append((self.label, coroutine))
        return coroutine

    async def _giving(self, result: Any) -> Any:
        with self.recorder.span(self.label):
            await asyncio.sleep(self.seconds)
            return result


async def test_run_all_runs_jobs_concurrently(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    distinct, results = make_jobs(rng, recorder, rng.randint(3, 6))
    # One job listed twice, apart, that gives another result the second time it is called: one task per entry of the
    # list runs it twice and returns both results; a dict keyed by the job keeps one of its tasks, and one result.
    twice = rng.randrange(len(distinct))
    other = rng.choice([v for v in range(100, 1000) if v not in results])
    repeated = ChangingJob(recorder, distinct[twice].label, distinct[twice].seconds, [results[twice], other])
    distinct[twice] = repeated
    jobs = list(distinct)
    jobs.insert(rng.choice([i for i in range(len(jobs) + 1) if abs(i - twice) > 1] or [len(jobs)]), repeated)
    start = loop_clock()
    outcome = await learner.outcome("run_all", jobs)
    elapsed = loop_clock() - start
    if outcome.error is not None:
        raised_by_run_all(learner, recorder, jobs, outcome.error, start)
    returned_before_the_jobs_ended(recorder, jobs, start)
    checks.ran_concurrently(
        "run_all", recorder, elapsed, max(j.seconds for j in jobs),
        advice=tr("Create all the tasks first, then wait for them together with `await asyncio.wait(tasks)`. "
                  "Awaiting each task right after creating it runs them one by one."),
    )
    checks.earned("run_all", recorder, len(distinct))  # a wait as long as the longest job, and nothing run, looks the same
    # The job listed twice: run twice, and each of its places given one of its two results (which run's goes where
    # depends on the order the tasks were made in, the learner's own business).
    places = [i for i, job in enumerate(jobs) if job is repeated]
    ran = len(recorder.started(repeated.label))
    got = outcome.value
    # One of its results at both places, or something else at one of them while every other entry is right (the
    # order of the others is test_run_all_returns_results_in_job_order's): a lookup by the job, such as
    # `results[jobs.index(job)]`, fills its first place twice and leaves the second as it was.
    whole = isinstance(got, list) and len(got) == len(jobs)
    one_for_both = whole and got[places[0]] == got[places[1]] and got[places[0]] in repeated.results
    others_right = whole and all(got[i] == job.result for i, job in enumerate(jobs) if i not in places)
    mixed_up = others_right and not one_for_both \
        and sorted(map(repr, (got[i] for i in places))) != sorted(map(repr, repeated.results))
    if ran < 2 or one_for_both or mixed_up:
        blanks = {"job": repeated.label, "count": len(jobs), "places": both(*places)}
        fail(
            tr("`run_all` ran {job} once, though it is listed twice in the jobs it was given.", **blanks) if ran < 2
            else tr("`run_all` returned one result of {job} for both of its places in the list.", **blanks)
            if one_for_both
            else tr("`run_all` did not return the two results of {job} at its two places in the list.", **blanks),
            observed=sentences(
                tr("the list held {count} entries, {job} at places {places} (counting from 0).", **blanks),
                tr("{job} ran {times}, and run_all returned {got}.", job=repeated.label, times=plural(ran, "time"),
                   count=ran, got=shown(got)) if ran < 2
                else tr("{job} ran twice and gave {results}, but run_all returned {got}: {given} at its places.",
                        job=repeated.label, results=both(*map(repr, repeated.results)), got=shown(got),
                        given=both(*(repr(got[i]) for i in places))),
            ),
            expected=tr("one task per entry of the list: a job listed twice runs twice, and each of its places gets "
                        "the result of one of its runs ({results}).",
                        results=both(*map(repr, repeated.results))),
            timeline=recorder.timeline(origin=start),
            advice=tr("Make one task per entry, `tasks = [asyncio.create_task(job()) for job in jobs]`, and read the "
                      "results from that list. A dict keyed by the job (or a set of jobs) keeps one entry for a job "
                      "listed twice, and one of its results.") if not mixed_up
            else tr("Read the results from your list of tasks, one per entry, in order: `[task.result() for task in "
                    "tasks]`. A job listed twice is found at its first place by a lookup (`jobs.index(job)`, a dict "
                    "keyed by the job), so its second place never gets its result; and code that takes one finished "
                    "task at a time from `asyncio.wait` loses one of two that finish together, as its two runs do."),
        )


async def call_first_finished(learner: Learner, recorder: Recorder, jobs: list[AsyncJob]) -> object:
    """`await first_finished(jobs)`. A CancelledError out of it, from its own code, after it had cancelled some of
    the jobs, came from awaiting (or gathering) the Tasks it cancelled: told so, without the other usual cause of a
    CancelledError (a deadline made by hand), which a function with no deadline cannot have. An error of its own
    raised before any job had finished followed a wait that returned with nothing done: told so too."""
    __tracebackhide__ = True
    start = loop_clock()
    try:
        outcome = await learner.outcome("first_finished", jobs)
    except asyncio.CancelledError as error:
        cancelled = [s.label for s in recorder.spans if s.state == "cancelled"]
        if not cancelled or not learner._raised_by_learner(error):
            raise
        fail(
            tr("`{name}` raised {kind}.", name="first_finished", kind="CancelledError"),
            observed=tr("it cancelled {jobs}, then a CancelledError came out of its own code: the grader cancelled "
                        "nothing.", jobs=", ".join(cancelled)),
            expected=tr("the fastest job's result, the others cancelled."),
            details=learner.format_error(error),
            advice=tr("Awaiting a Task you cancelled raises CancelledError in the code that awaits it, and so does "
                      "gathering it. After `task.cancel()`, wait for it without asking for its result: `await "
                      "asyncio.wait(pending)`, or `await asyncio.gather(*pending, return_exceptions=True)`."),
            cause="first_finished awaited the cancelled",
        )
    error = outcome.error
    # `next(iter(done))` on an empty set: a RuntimeError of the coroutine's, with the StopIteration of the learner's line
    # as its cause.
    own = error if error is None or learner._raised_by_learner(error) else error.__cause__
    if error is not None and own is not None and learner._raised_by_learner(own) and not failed_job(error) \
            and recorder.spans and not any(s.state == "done" for s in recorder.spans):
        elapsed = loop_clock() - start
        blanks = {"kind": type(error).__name__, "elapsed": seconds(elapsed),
                  "first": seconds(min(job.seconds for job in jobs))}
        fail(
            tr("`first_finished` raised {kind} at {elapsed}, before any job had finished.", **blanks),
            observed=sentences(tr("it did not wait for the jobs at all.") if elapsed <= checks.TOLERANCE
                               else tr("what it waited on returned at {elapsed}, a moment when no job finished (the "
                                       "fastest takes {first}): a timer ran out (a `timeout=` given to asyncio.wait, "
                                       "or a sleep), not the jobs.", **blanks),
                               tr("Then its own code raised {kind}, with nothing done to take a result from.",
                                  **blanks)),
            expected=tr("a wait that returns when the fastest job finishes, at {first}, and that job's result.",
                        **blanks),
            details=learner.format_error(own),
            timeline=recorder.timeline(origin=start),
            advice=tr("`done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)`, with no "
                      "`timeout=`, returns only once a task is done, so `done` is never empty; a timeout can end the "
                      "wait with nothing done."),
            cause="first_finished stopped waiting before any job was done",
        )
    if outcome.error is not None:
        bare_coroutines("first_finished", outcome.error, recorder, jobs)
        learner.fail_raised("first_finished", outcome.error)
    return outcome.value


async def test_first_finished_returns_the_fastest_result_at_once(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, results = make_jobs(rng, recorder, rng.randint(3, 6), fastest_inside=True)
    fastest = min(range(len(jobs)), key=lambda i: jobs[i].seconds)
    start = loop_clock()
    # The call in a Task of its own, for the Watch to see: code that sleeps and looks at its tasks again (a loop of
    # `t.done()` checks) is found asleep in a sleep of its own, and a late return is then told as the poll it is.
    async with naps.Watch(learner.path, lambda: True) as watch:
        got = await asyncio.create_task(call_first_finished(learner, recorder, jobs))
    elapsed = loop_clock() - start
    for _ in range(3):  # the cancel() calls it made land at each task's next step: let them, before any chart
        await asyncio.sleep(0)
    slowest = max(j.seconds for j in jobs)
    blanks = {"elapsed": seconds(elapsed), "first": seconds(jobs[fastest].seconds), "last": seconds(slowest)}
    if watch.nap is not None and elapsed > jobs[fastest].seconds + checks.TOLERANCE:
        fail(
            tr("`first_finished` returned after {elapsed}; the first job was done at {first}.", **blanks),
            observed=tr("at {at}, while the jobs ran, it was asleep in a sleep of its own at line {line} (`{source}`); "
                        "{job} finished at {first}, but it returned only at {elapsed}, when a sleep was over.",
                        at=seconds(watch.nap.at - start), job=jobs[fastest].label, line=watch.nap.line,
                        source=watch.nap.source, **blanks),
            expected=tr("a return as soon as the first job finishes."),
            timeline=recorder.timeline(origin=start),
            advice=tr("Do not look at the tasks again and again with sleeps in between: "
                      "`done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)` wakes the "
                      "moment one task is done; then cancel the others."),
        )
    if abs(elapsed - jobs[fastest].seconds) > checks.TOLERANCE:
        if abs(elapsed - slowest) <= checks.TOLERANCE:
            observed = tr("it returned when the slowest job finished, at {last}: it waited for every job.", **blanks)
        elif elapsed > slowest:
            observed = tr("it returned at {elapsed}, later than even the slowest job ({last}): the jobs did not all "
                          "run at once.", **blanks)
        else:
            observed = tr("it waited {elapsed}.", **blanks)
        fail(
            tr("`first_finished` returned after {elapsed}; the first job was done at {first}.", **blanks),
            observed=observed,
            expected=tr("a return as soon as the first job finishes."),
            timeline=recorder.timeline(),
            advice=tr("`asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)` returns as soon as one task is done; "
                      "then cancel the others. Whatever waits for every task (gather, or the end of an `async with "
                      "asyncio.TaskGroup()` block) returns only once the slowest is done."),
        )
    if isinstance(got, asyncio.Future) and got.done() and not got.cancelled() and got.exception() is None \
            and got.result() == results[fastest]:
        fail(tr("`first_finished` returned the fastest job's Task, not its result."), observed=shown(got),
             expected=tr("{value}, from {job}, the fastest job", value=repr(results[fastest]), job=jobs[fastest].label),
             advice=tr("A Task that is done holds its job's result: return `task.result()` (or `await task`), not the "
                       "Task itself."))
    if got != results[fastest]:
        fail(tr("`first_finished` returned the wrong result."), observed=shown(got),
             expected=tr("{value}, from {job}, the fastest job", value=repr(results[fastest]), job=jobs[fastest].label))
    # Again with every job over half a minute long: a `timeout=` put on the wait "just in case" (5 s, 10 s, 30 s) ends
    # it before any job is done, whatever the first call's jobs took.
    recorder = Recorder()
    jobs, results = make_jobs(rng, recorder, rng.randint(3, 4), fastest_inside=True, avoid=frozenset(results))
    for job in jobs:
        job.seconds += 30
    fastest = min(range(len(jobs)), key=lambda i: jobs[i].seconds)
    start = loop_clock()
    got = await call_first_finished(learner, recorder, jobs)
    elapsed = loop_clock() - start
    if abs(elapsed - jobs[fastest].seconds) > checks.TOLERANCE and elapsed < jobs[fastest].seconds:
        fail(
            tr("`first_finished` returned after {elapsed} when every job took over 30 s; the first job was done at "
               "{first}.", elapsed=seconds(elapsed), first=seconds(jobs[fastest].seconds)),
            observed=sentences(what_the_wait_was(recorder, elapsed), tr("It returned {got}.", got=shown(got))),
            expected=tr("a return as soon as the first job finishes, with its result, {value}, however long that "
                        "takes.", value=repr(results[fastest])),
            timeline=recorder.timeline(origin=start),
            advice=tr("`asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)` with no `timeout=` waits for the "
                      "first task to finish, however long it takes; a timeout ends the wait with nothing done."),
        )
    if got != results[fastest]:
        fail(tr("`first_finished` returned the wrong result."), observed=shown(got),
             expected=tr("{value}, from {job}, the fastest job", value=repr(results[fastest]), job=jobs[fastest].label))
    # And two jobs that finish at the very same moment, first: asyncio.wait then hands back both in `done`, and the
    # result of either is right.
    recorder = Recorder()
    jobs, results = make_jobs(rng, recorder, rng.randint(3, 5), avoid=frozenset(results))
    fastest = min(range(len(jobs)), key=lambda i: jobs[i].seconds)
    tied = rng.choice([i for i in range(len(jobs)) if i != fastest])
    jobs[tied].seconds = jobs[fastest].seconds
    outcome = await learner.outcome("first_finished", jobs)
    for _ in range(3):
        await asyncio.sleep(0)
    pair = tr("{a} and {b}", a=jobs[fastest].label, b=jobs[tied].label)
    if outcome.error is not None:
        fail(
            tr("`first_finished` raised {kind} when two jobs finished at the same moment.",
               kind=type(outcome.error).__name__),
            observed=tr("{pair} both finished first, at {at}.", pair=pair, at=seconds(jobs[fastest].seconds)),
            expected=tr("the result of either of them: {a} or {b}.", a=repr(results[fastest]), b=repr(results[tied])),
            details=learner.format_error(outcome.error),
            timeline=recorder.timeline(),
            advice=tr("`done` may hold more than one task when several finish at once: take any one of them, "
                      "`done.pop()` (or `next(iter(done))`), not exactly one (`(task,) = done`)."),
        )
    if outcome.value not in (results[fastest], results[tied]):
        fail(tr("`first_finished` returned the wrong result."), observed=shown(outcome.value),
             expected=tr("the result of either of them: {a} or {b}.", a=repr(results[fastest]), b=repr(results[tied])))


def failed_job(error: BaseException) -> bool:
    """Whether `error` is a job's JobFailed, or an ExceptionGroup (a TaskGroup's) holding one."""
    if isinstance(error, BaseExceptionGroup):
        return any(failed_job(inner) for inner in error.exceptions)
    return isinstance(error, JobFailed)


async def test_first_finished_cancels_the_others(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    # Jobs on both sides of the fastest: cancelling only those after it in the list (or only those before) leaves some.
    jobs, _ = make_jobs(rng, recorder, rng.randint(3, 6), fastest_inside=True)
    # And a job after the fastest listed twice, both times after it, on every draw: each entry is a Task to cancel (a
    # dict of Tasks keyed by the job keeps one of the two, and the other runs on; code that cancels only the jobs
    # after the winner cancels both).
    after = jobs.index(min(jobs, key=lambda job: job.seconds)) + 1
    twice = rng.choice(jobs[after:])
    at = jobs.index(twice)
    jobs.insert(rng.choice([i for i in range(after, len(jobs) + 1) if abs(i - at) > 1] or [len(jobs)]), twice)
    await call_first_finished(learner, recorder, jobs)
    for _ in range(3):  # a cancel() lands at the task's next step
        await asyncio.sleep(0)
    # By name: the order the Tasks were started in can follow their addresses (3.11's as_completed starts them from a set).
    running = sorted(recorder.still_running(), key=lambda span: span.label)
    if running:
        timeline = recorder.timeline()
        names = learner.names_reached("first_finished")
        lost = [s for s in running if s.label == twice.label] and len(recorder.started(twice.label)) == 2 and len(
            [s for s in recorder.started(twice.label) if s.state == "cancelled"]) == 1
        # asyncio.as_completed given the coroutines themselves wraps each in a Task of its own, which the code never
        # sees: with no Task made by its own hand, it had nothing it could cancel.
        if lost and len(running) == 1:
            observed = tr("still running after it returned: {jobs}, which is listed twice: of its two Tasks, one was "
                          "cancelled and the other was not.", jobs=twice.label)
            advice = tr("Keep every Task you start, one per entry of the list, in a list: a dict keyed by the job "
                        "keeps one Task of a job listed twice and loses the other, which nothing cancels then.")
        elif "as_completed" in names and not names & {"create_task", "ensure_future", "TaskGroup", "Task", "wait"}:
            observed = tr("still running after it returned: {jobs}. It handed asyncio.as_completed the coroutines "
                          "themselves, and made no Task of its own: as_completed wrapped each in a Task your code "
                          "never sees, so it had none to cancel.", jobs=still_running(running))
            advice = tr("Make the Tasks yourself and keep them: `tasks = [asyncio.create_task(job()) for job in "
                        "jobs]`, hand those to as_completed, and once the first result is in, `for task in tasks: "
                        "task.cancel()` (cancelling a Task that is done does nothing).")
        else:
            observed = tr("still running after it returned: {jobs}.", jobs=still_running(running))
            advice = tr("`for task in pending: task.cancel()` with the pending set that asyncio.wait returns.")
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()
        fail(
            tr("`first_finished` left {jobs} running in the background.",
               jobs=plural(len(running), "job"), count=len(running)),
            observed=observed,
            expected=tr("every other job cancelled before first_finished returns."),
            timeline=timeline,
            advice=advice,
        )
    # Now the first job to finish fails: first_finished raises its error (as task.result() does; inside an
    # ExceptionGroup too, when a TaskGroup ran the jobs), and leaves no job running: the others are cancelled however
    # it ends.
    recorder = Recorder()
    jobs, results = make_jobs(rng, recorder, rng.randint(3, 6), fastest_inside=True)
    winner = jobs[min(range(len(jobs)), key=lambda i: jobs[i].seconds)]
    winner.fails = True
    raised = winner.failure()  # one object, made here: the caller must get that very exception
    winner.failure = lambda: raised  # type: ignore[method-assign]
    outcome = await learner.outcome("first_finished", jobs)
    returned = loop_clock()
    for _ in range(3):
        await asyncio.sleep(0)
    running = recorder.still_running()
    winner_failed = any(s.state == "failed" for s in recorder.started(winner.label))
    if outcome.error is not None and not failed_job(outcome.error) and learner._raised_by_learner(outcome.error) \
            and winner_failed and not isinstance(outcome.error, asyncio.CancelledError):
        kind = type(outcome.error).__name__
        fail(
            tr("`first_finished` replaced the job's exception with {kind}.", kind=kind),
            observed=tr("{job}, the first to finish, raised JobFailed; first_finished raised {kind}: {error} in its "
                        "place.", job=winner.label, kind=kind, error=outcome.error),
            expected=tr("the winning job's own exception, JobFailed, coming out of first_finished unchanged: the "
                        "caller may be waiting for that very exception."),
            details=learner.format_error(outcome.error),
            advice=tr("Let the winner's exception go on as it is: `return done.pop().result()` raises it by itself; "
                      "an `except` that raises another error in its place hides it."),
        )
    if outcome.error is not None and not failed_job(outcome.error):
        learner.fail_raised("first_finished", outcome.error)
    if outcome.error is not None and not any(leaf is raised for leaf in checks.leaves(outcome.error)):
        line = checks.raised_in_place_of(learner, outcome.error, JobFailed)
        fail(
            tr("`first_finished` raised a new JobFailed in place of the one {job} raised.", job=winner.label),
            observed=tr("{job}, the first to finish, raised {raised}; first_finished raised {error}: the same type, but "
                        "another object.", job=winner.label, raised=repr(raised), error=shown(outcome.error)),
            expected=tr("the winning job's own exception, JobFailed, coming out of first_finished unchanged: the "
                        "caller may be waiting for that very exception."),
            details=learner.format_error(outcome.error),
            advice=sentences(
                tr("Your `{line}` made a new exception in place of the job's.", line=line) if line is not None
                else tr("Your code raised a new exception in place of the job's."),
                tr("Let the winner's exception go on as it is: `return done.pop().result()` raises it by itself.")),
        )
    if running:
        timeline = recorder.timeline()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()
        still = ", ".join(s.label for s in running)
        if outcome.error is not None:
            observed = tr("{winner}, the first job to finish, raised JobFailed, and first_finished raised {kind}; {jobs} "
                          "still ran after it.", winner=winner.label, kind=type(outcome.error).__name__, jobs=still)
            advice = tr("Cancel the others before you read the winner's result: `task.result()` raises the job's "
                        "exception, and the lines after it never run. `for task in pending: task.cancel()` first, "
                        "then `return done.pop().result()` (or cancel them in a `finally:` block).")
        else:
            observed = tr("{winner}, the first job to finish, raised JobFailed; first_finished returned {got}, and "
                          "{jobs} still ran after it.", winner=winner.label, got=shown(outcome.value), jobs=still)
            advice = tr("`for task in pending: task.cancel()` with the pending set that asyncio.wait returns, "
                        "however the first task ended.")
        fail(
            tr("`first_finished` left {jobs} running in the background when the first job to finish failed.",
               jobs=plural(len(running), "job"), count=len(running)),
            observed=observed,
            expected=tr("every other job cancelled before first_finished returns or raises, whether the first job to "
                        "finish succeeded or failed."),
            timeline=timeline,
            advice=advice,
        )
    if outcome.error is None:
        got = outcome.value
        blanks = {"winner": winner.label, "got": shown(got)}
        if isinstance(got, BaseException):
            summary = tr("`first_finished` returned the exception of the first job to finish instead of raising it.")
            observed = tr("{winner}, the first job to finish, raised JobFailed; first_finished returned {got}, the "
                          "exception object, as if it were a result.", **blanks)
            advice = tr("Read the winner with `task.result()`: it returns the job's result, or raises the exception "
                        "the job raised. `task.exception()` hands the exception over as a value, and the caller "
                        "takes it for a result.")
        elif any(got == r for j, r in zip(jobs, results) if j is not winner):
            later = next(j.label for j, r in zip(jobs, results) if j is not winner and got == r)
            summary = tr("`first_finished` skipped the failure of the first job to finish and returned a later job's "
                         "result.")
            ended = len(recorder.spans) == len(jobs) and all(  # every job ran to its end, none cancelled
                sp.state in ("done", "failed") and sp.end is not None and sp.end <= returned + checks.TOLERANCE
                for sp in recorder.spans)
            if ended:  # it waited for them all, then took one: by its place in the list, say
                observed = tr("{winner}, the first job to finish, raised JobFailed; first_finished waited for every job "
                              "to end, then returned {got}, the result of {later}.", later=later, **blanks)
                advice = tr("Wait for the first job to finish, not for all of them: `asyncio.wait(tasks, "
                            "return_when=asyncio.FIRST_COMPLETED)`, then `done.pop().result()`, which raises the job's "
                            "exception when it failed. A Task taken by its place in the list is not the first to "
                            "finish.")
            else:
                observed = tr("{winner}, the first job to finish, raised JobFailed; first_finished returned {got}, the "
                              "result of {later}, which finished after it.", later=later, **blanks)
                advice = tr("Return what the first job to finish gave, whatever it was: `done.pop().result()` after "
                            "`asyncio.wait(..., return_when=asyncio.FIRST_COMPLETED)` raises its exception when it "
                            "failed. Catching that exception and waiting for the next job hides the failure.")
        else:
            summary = tr("`first_finished` returned a value when the first job to finish failed.")
            observed = tr("{winner}, the first job to finish, raised JobFailed; first_finished returned {got}.",
                          **blanks)
            advice = tr("Read the winner with `task.result()`, after cancelling the others: it raises the job's "
                        "exception when the job failed.")
        fail(summary, observed=observed,
             expected=tr("the JobFailed that {winner} raised, coming out of first_finished, after the other jobs are "
                         "cancelled.", winner=winner.label),
             advice=advice)
