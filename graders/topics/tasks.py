"""Graders for topic 02: asyncio.create_task and asyncio.wait."""

from __future__ import annotations

import asyncio
import random

import pytest

from graders.harness import checks
from graders.harness.feedback import fail, plural, seconds, shown
from graders.i18n import tr
from graders.harness.learner import Learner
from graders.harness.probes import IN_LOOP_TIME, AsyncJob, Recorder, loop_clock

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]


# What to say when start_in_background returns the job's coroutine instead of a Task. Translated where used.
TASK_ADVICE = ("A coroutine does not run until something awaits it; a Task runs by itself in the background. "
               "`return asyncio.create_task(job())` starts the job and hands back the Task at once.")


def make_jobs(rng: random.Random, recorder: Recorder, count: int,
              fastest_inside: bool = False) -> tuple[list[AsyncJob], list[int]]:
    durations = rng.sample([0.5 * k for k in range(1, 17)], count)
    if durations == sorted(durations):
        durations.reverse()
    fastest = durations.index(min(durations))
    if fastest_inside and fastest in (0, count - 1):
        # so returning jobs[0]'s (or jobs[-1]'s) result can never pass for the fastest one's
        middle = count // 2
        durations[fastest], durations[middle] = durations[middle], durations[fastest]
    results = rng.sample(range(100, 1000), count)
    if results == sorted(results):
        results.reverse()  # so no ordering of the results by value can pass for job order
    return [recorder.job(f"job {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))], results


async def test_start_in_background_returns_a_task_at_once(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    job = recorder.job("job", rng.choice([1, 2, 3]), rng.randint(1, 999))
    start = loop_clock()
    got = await learner.call("start_in_background", job, coroutine_advice=TASK_ADVICE)
    waited = loop_clock() - start
    if waited > checks.TOLERANCE:
        fail(
            tr("`start_in_background` waited {waited} for the job instead of returning at once.", waited=seconds(waited)),
            observed=tr("it returned {value} after the job had finished.", value=shown(got)),
            expected=tr("a Task returned immediately, while the job runs in the background."),
            advice=tr("`return asyncio.create_task(job())`: no await on the job."),
        )
    checks.returned("start_in_background", got, asyncio.Task, tr("an asyncio.Task"))


async def test_start_in_background_task_runs_and_gives_the_result(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    job = recorder.job("job", rng.choice([1, 2, 3]), rng.randint(1, 999))
    task = await learner.call("start_in_background", job, coroutine_advice=TASK_ADVICE)
    checks.returned("start_in_background", task, asyncio.Task, tr("an asyncio.Task"))
    await asyncio.sleep(0)
    if not recorder.spans:
        task.cancel()
        fail(
            tr("The task from `start_in_background` did not start the job."),
            expected=tr("job() running as soon as the caller awaits anything."),
            advice=tr("Pass the coroutine `job()` to asyncio.create_task."),
        )
    if await task != job.result:
        fail(tr("Awaiting the task did not give the job's result."), expected=repr(job.result))


def raised_by_run_all(learner: Learner, recorder: Recorder, jobs: list[AsyncJob], error: BaseException) -> None:
    """Fail for what run_all raised, naming the common mistake of giving asyncio.wait bare coroutines."""
    __tracebackhide__ = True
    if isinstance(error, TypeError) and "coroutines is forbidden" in str(error):
        for job in jobs:
            recorder.created.pop(job.label, None)
        fail(
            tr("`run_all` passed bare coroutines to asyncio.wait."),
            observed=tr("asyncio.wait raised TypeError: {error}", error=error),
            expected=tr("a list of tasks given to asyncio.wait."),
            advice=tr("Since Python 3.11, asyncio.wait only takes tasks: wrap each coroutine, "
                      "`tasks = [asyncio.create_task(job()) for job in jobs]`. wait returns sets of those tasks, "
                      "so you can still tell which result belongs to which job."),
            cause="bare coroutines",
        )
    learner.fail_raised("run_all", error)


async def test_run_all_returns_results_in_job_order(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, results = make_jobs(rng, recorder, rng.randint(6, 9))
    outcome = await learner.outcome("run_all", jobs)
    if outcome.error is not None:
        raised_by_run_all(learner, recorder, jobs, outcome.error)
    checks.returned("run_all", outcome.value, list, tr("a list of results"))
    checks.same_results("run_all", outcome.value, results, recorder)


async def test_run_all_runs_jobs_concurrently(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, _ = make_jobs(rng, recorder, rng.randint(3, 6))
    start = loop_clock()
    outcome = await learner.outcome("run_all", jobs)
    elapsed = loop_clock() - start
    if outcome.error is not None:
        raised_by_run_all(learner, recorder, jobs, outcome.error)
    checks.ran_concurrently(
        "run_all", recorder, elapsed, max(j.seconds for j in jobs),
        advice=tr("Create all the tasks first, then wait for them together with `await asyncio.wait(tasks)`. "
                  "Awaiting each task right after creating it runs them one by one."),
    )
    checks.earned("run_all", recorder, len(jobs))  # a wait as long as the longest job, and nothing run, looks the same


async def test_first_finished_returns_the_fastest_result_at_once(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, results = make_jobs(rng, recorder, rng.randint(3, 6), fastest_inside=True)
    fastest = min(range(len(jobs)), key=lambda i: jobs[i].seconds)
    start = loop_clock()
    got = await learner.call("first_finished", jobs)
    elapsed = loop_clock() - start
    if abs(elapsed - jobs[fastest].seconds) > checks.TOLERANCE:
        slowest = max(j.seconds for j in jobs)
        blanks = {"elapsed": seconds(elapsed), "first": seconds(jobs[fastest].seconds), "last": seconds(slowest)}
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


async def test_first_finished_cancels_the_others(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, _ = make_jobs(rng, recorder, rng.randint(3, 6))
    await learner.call("first_finished", jobs)
    for _ in range(3):  # a cancel() lands at the task's next step
        await asyncio.sleep(0)
    running = recorder.still_running()
    if running:
        timeline = recorder.timeline()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()
        fail(
            tr("`first_finished` left {jobs} running in the background.",
               jobs=plural(len(running), "job"), count=len(running)),
            observed=tr("still running after it returned: {jobs}.", jobs=", ".join(s.label for s in running)),
            expected=tr("every other job cancelled before first_finished returns."),
            timeline=timeline,
            advice=tr("`for task in pending: task.cancel()` with the pending set that asyncio.wait returns."),
        )
