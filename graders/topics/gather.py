"""Graders for topic 03: asyncio.gather."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from graders.harness import checks, naps
from graders.harness.feedback import fail, plural, seconds, shown
from graders.i18n import sentences, tr
from graders.harness.learner import Learner
from graders.harness.probes import IN_LOOP_TIME, AsyncJob, JobFailed, Recorder, loop_clock
from graders.harness.schedule import TOLERANCE, idle_slot, uneven_durations

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]

OVERLAP_ADVICE = (
    "Start every job before you wait for any of them: `await asyncio.gather(*(job() for job in jobs))`. "
    "`await job()` inside a for loop waits for each job to finish before starting the next."
)  # translated where it is used: the learner's language is only known once grading runs


def make_jobs(rng: random.Random, recorder: Recorder, count: int | None = None) -> tuple[list[AsyncJob], list[int]]:
    """Jobs of distinct durations in shuffled order, so finishing order differs from argument order."""
    count = count or rng.randint(3, 6)
    durations = rng.sample([0.5 * k for k in range(1, 13)], count)
    if durations == sorted(durations):
        durations.reverse()
    results = rng.sample(range(100, 1000), count)
    jobs = [recorder.job(f"job {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))]
    return jobs, results


async def timed(learner: Learner, name: str, *args: object) -> tuple[object, float]:
    start = loop_clock()
    result = await learner.call(name, *args)
    return result, loop_clock() - start


def second_jobs(rng: random.Random, recorder: Recorder, first: int) -> tuple[list[AsyncJob], list[Any], int]:
    """Jobs for a second call: another count than the first call's `first`, with one job object in the list
    twice (returned as (jobs, results, the duplicate's later position))."""
    count = rng.choice([n for n in range(3, 7) if n + 1 != first])
    jobs, results = make_jobs(rng, recorder, count)
    twice = rng.randrange(count)
    at = rng.randint(twice + 1, count)  # after the first place: finding a job by `jobs.index(job)` misses this one
    jobs.insert(at, jobs[twice])
    results.insert(at, results[twice])
    return jobs, results, at


def second_results(name: str, got: Any, expected: list[Any], first: list[Any], jobs: list[AsyncJob], at: int,
                   recorder: Recorder, returned: Any) -> None:
    """A second call's results: only its own (nothing kept from the first call), one per entry of the list, the
    job that is in it twice included; compared by repr, so that exceptions compare by what they say. `returned` is
    the list the first call returned, which must still hold the first call's results."""
    __tracebackhide__ = True
    checks.returned(name, got, list, tr("a list of results"))
    checks.first_list_kept(name, returned, first)
    if list(map(repr, got)) == list(map(repr, expected)):
        checks.earned(name, recorder, len({job.label for job in jobs}))
        checks.ran_as_listed(name, recorder, jobs)
        return
    mine = set(map(repr, expected))
    stale = [g for g in got if repr(g) not in mine and repr(g) in set(map(repr, first))]
    if stale:
        fail(
            tr("`{name}` returned the first call's results again in a second call.", name=name),
            observed=tr("a second call, with {count} jobs, returned {got}: {stale} came from the first call.",
                        count=len(jobs), got=shown(list(got), width=400), stale=shown(stale, width=200)),
            expected=tr("{expected}: this call's own results, in the order of its jobs.",
                        expected=shown(expected, width=400)),
            advice=tr("Something outlived the first call and kept its results: a list at module level, or a mutable "
                      "default argument (`results=[]` is made once, when the function is defined, and shared by every "
                      "call). Make the list inside the function, so that each call starts with an empty one."),
        )
    nones = [i for i, e in enumerate(expected) if e is None]
    if nones and list(map(repr, got)) == [repr(e) for e in expected if e is not None]:
        fail(
            tr("`{name}` left out job {i}'s result, None.", name=name, i=nones[0]),
            observed=tr("it returned {got}: {missing} fewer than the list has entries.", got=shown(list(got), width=400),
                        missing=plural(len(nones), "result")),
            expected=tr("{expected}: one result for each entry of the list, in its order.",
                        expected=shown(expected, width=400)),
            advice=tr("None is a result too: keep one entry per job, as gather gives them, whatever a job returned. "
                      "Leaving out entries (`if result is not None`, or `if result`) shifts every result after them."),
        )
    first_place = jobs.index(jobs[at])
    wrong = {i for i, (g, e) in enumerate(zip(got, expected)) if repr(g) != repr(e)}
    if len(got) == len(expected) and wrong and wrong <= {first_place, at}:
        fail(
            tr("`{name}` returned the wrong results for a job that was in the list twice.", name=name),
            observed=tr("{label} was entry {a} and entry {b} of the list; the call returned {got}.",
                        label=jobs[at].label, a=first_place, b=at, got=shown(list(got), width=400)),
            expected=tr("{expected}: one result for each entry of the list, in its order, also when the same job is "
                        "there twice.", expected=shown(expected, width=400)),
            advice=tr("Keep each result with its place in the list (gather does that for you), not with the job: "
                      "`jobs.index(job)` finds only a job's first place, and a dict keyed by the job holds one entry "
                      "per job."),
        )
    checks.same_results(name, got, expected, recorder)


async def test_gather_all_returns_results_in_argument_order(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, results = make_jobs(rng, recorder)
    got, _ = await timed(learner, "gather_all", jobs)
    checks.returned("gather_all", got, list, tr("a list of results"))
    checks.on_loop_thread("gather_all", learner, recorder)
    checks.same_results("gather_all", got, results, recorder)
    # A second call with other jobs, one of them twice in the list: nothing of the first call's may show.
    again = Recorder()
    more, wanted, at = second_jobs(rng, again, len(jobs))
    got_again = await learner.call("gather_all", more)
    second_results("gather_all", got_again, wanted, results, more, at, again, got)


async def test_gather_all_runs_jobs_concurrently(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, _ = make_jobs(rng, recorder)
    longest = max(j.seconds for j in jobs)  # before the call: the jobs are the learner's to touch
    got, elapsed = await timed(learner, "gather_all", jobs)
    checks.returned("gather_all", got, list, tr("a list of results"))
    checks.on_loop_thread("gather_all", learner, recorder)
    checks.ran_concurrently("gather_all", recorder, elapsed, longest, advice=tr(OVERLAP_ADVICE))
    checks.earned("gather_all", recorder, len(jobs))  # a wait as long as the longest job, and nothing run, looks the same


async def test_gather_all_lets_a_failure_propagate(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, _ = make_jobs(rng, recorder)
    # A job that fails while one before it in the list still runs (there is one: the durations are never
    # in rising order), so that reading the results in order reaches a job that is not done yet.
    durations = [job.seconds for job in jobs]
    broken = rng.choice([i for i in range(1, len(jobs)) if max(durations[:i]) > durations[i]])
    jobs[broken].fails = True
    # One exception object, made here, so that what reaches the caller can be checked to be that very object.
    raised = jobs[broken].failure()
    jobs[broken].failure = lambda: raised  # type: ignore[method-assign]
    outcome = await learner.outcome("gather_all", jobs)
    if isinstance(outcome.error, JobFailed) and outcome.error is not raised:
        line = checks.raised_in_place_of(learner, outcome.error, JobFailed)
        fail(
            tr("`gather_all` raised a new JobFailed in place of the one job {broken} raised.", broken=broken),
            observed=tr("job {broken} raised {error}; gather_all raised {got}: the same type, but another object.",
                        broken=broken, error=repr(raised), got=shown(outcome.error)),
            expected=tr("the job's own exception, coming out of gather_all unchanged, as it comes out of "
                        "asyncio.gather: with its message, its traceback and anything it carries."),
            details=learner.format_error(outcome.error),
            advice=sentences(
                tr("Your `{line}` made a new exception in place of the job's.", line=line) if line is not None
                else tr("Your code raised a new exception in place of the job's."),
                tr("Let the exception propagate: leave out the `try:`/`except` around the gather, or end the except "
                   "block with a bare `raise`.")),
        )
    checks.on_loop_thread("gather_all", learner, recorder)  # whether threads ran the jobs must not decide the verdict
    if not isinstance(outcome.error, JobFailed):
        if outcome.error is not None:
            wrapped = raised_from_job(outcome.error)
            if wrapped is not None:
                kind = type(outcome.error).__name__
                fail(
                    tr("`gather_all` replaced the exception a job raised with {kind}.", kind=kind),
                    observed=tr("job {broken} raised JobFailed: {message}; gather_all raised {kind}: {error} in its "
                                "place, with the JobFailed only as its cause.", broken=broken, message=wrapped,
                                kind=kind, error=outcome.error),
                    expected=tr("the job's own exception, JobFailed, coming out of gather_all unchanged, as it comes "
                                "out of asyncio.gather: the caller may be waiting for that very exception."),
                    details=learner.format_error(outcome.error),
                    advice=tr("Let the exception propagate: leave out the `try:`/`except` around the gather, or end "
                              "the except block with a bare `raise`."),
                )
            learner.fail_raised("gather_all", outcome.error)
        checks.returned("gather_all", outcome.value, list, tr("a list of results"))
        fail(
            tr("`gather_all` hid a failing job's exception."),
            observed=tr("job {broken} raised JobFailed, but gather_all returned {value}.",
                        broken=broken, value=shown(outcome.value)),
            expected=tr("gather_all raises the job's exception, so its caller learns that something went wrong."),
            advice=tr("Let exceptions travel: no try/except around the gather, and no return_exceptions=True here."),
        )


def raised_from_job(error: BaseException) -> str | None:
    """The words of the JobFailed that `error` was raised from, or None when it was not: the learner caught the job's
    exception and raised another in its place. An ExceptionGroup is not counted: it holds the job's exception, and is
    told as such."""
    inner = None if isinstance(error, BaseExceptionGroup) else checks.raised_from(error, JobFailed)
    return None if inner is None else str(inner) or "JobFailed"


class Named:
    """A class in a message, shown by its plain name (JobFailed), not by the repr that names the grader's module."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return self.kind.__name__


def plain(values: list[Any]) -> list[Any]:
    return [Named(v) if isinstance(v, type) else v for v in values]


async def test_gather_settled_returns_exceptions_in_place(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, results = make_jobs(rng, recorder)
    # Two failures at least, on every draw: code that puts one exception in every failed place shows.
    broken = set(rng.sample(range(len(jobs)), rng.randint(2, len(jobs) - 1)))
    # A job fails while another is still running, on every draw: code that stops at the first failure (and cancels
    # the rest) then loses a result.
    fine = [i for i in range(len(jobs)) if i not in broken]
    if min(jobs[i].seconds for i in broken) > max(jobs[i].seconds for i in fine):  # the lengths stay as drawn
        broken = broken - {max(broken, key=lambda i: jobs[i].seconds)} | {min(fine, key=lambda i: jobs[i].seconds)}
    raised = {}
    for i in broken:
        jobs[i].fails = True
        # Each failing job raises one exception object made here, so that the list can be checked to hold that very
        # object, not a copy of it.
        raised[i] = jobs[i].failure()
        jobs[i].failure = lambda error=raised[i]: error  # type: ignore[method-assign]
    # A falsy result is a result too: one job that does not fail returns 0, "" or False (None comes in the second
    # call, on every seed: here it would hide a falsy result turned into None).
    falsy = rng.choice([i for i in range(len(jobs)) if i not in broken])
    jobs[falsy].result = results[falsy] = rng.choice([0, "", False])
    outcome = await learner.outcome("gather_settled", jobs)
    if outcome.error is not None:
        fail(
            tr("`gather_settled` raised {kind} instead of returning it.", kind=type(outcome.error).__name__),
            observed=tr("{failed} of {count} jobs failed and the first failure escaped from gather_settled.",
                        failed=len(broken), count=len(jobs)),
            expected=tr("a list with each failed job's exception object in that job's place."),
            advice=tr("`asyncio.gather(..., return_exceptions=True)` returns exceptions as results."),
        )
    got = outcome.value
    checks.returned("gather_settled", got, list, tr("a list of results and exceptions"))
    if len(got) != len(jobs):
        fail(
            tr("`gather_settled` returned a list of length {got} for {count} jobs.", got=len(got), count=len(jobs)),
            observed=shown(list(got), width=400),
            expected=tr("one entry per job, in order: the job's result, or the exception it raised "
                        "(job {jobs} failed).", jobs=", ".join(map(str, sorted(broken)))),
            advice=tr("Keep every entry that `asyncio.gather(..., return_exceptions=True)` returns: a failed job's "
                      "exception stays in its place in the list."),
        )
    # Every result and every exception there, in another order (finishing order, say): an order to fix, not
    # an exception left out, whatever sits where the first failed job's exception should be.
    wanted = [job.failure() if i in broken else r for i, (job, r) in enumerate(zip(jobs, results))]
    if sorted(map(repr, got)) == sorted(map(repr, wanted)) and list(map(repr, got)) != list(map(repr, wanted)):
        checks.same_results("gather_settled", got, wanted, recorder)
    wrong = [i for i, (entry, want) in enumerate(zip(got, wanted)) if repr(entry) != repr(want)]
    if not wrong:
        copied = [i for i in sorted(broken) if got[i] is not raised[i]]
        if copied:
            i = copied[0]
            fail(
                tr("`gather_settled` put a copy of job {i}'s exception in its place, not the exception it raised.", i=i),
                observed=tr("entry {i} is {entry}: the same type and words as the exception job {i} raised, but "
                            "another object.", i=i, entry=shown(got[i])),
                expected=tr("the exception object job {i} raised itself, with its traceback, its cause and anything "
                            "it carries: the caller may test for that very object.", i=i),
                advice=tr("Put the exception you caught in the list as it is (`return error`), or let "
                          "`asyncio.gather(..., return_exceptions=True)` do it: a new one built from it "
                          "(`type(error)(*error.args)`) is another object, without its traceback."),
            )
        # A second call with other jobs, one of them twice in the list and one returning None: nothing of the first
        # call's may show, and None is a result like any other.
        again = Recorder()
        more, expected_again, at = second_jobs(rng, again, len(jobs))
        failing = rng.choice([i for i in range(len(more)) if more[i] is not more[at]])
        more[failing].fails = True
        expected_again[failing] = more[failing].failure()
        nothing = rng.choice([i for i in range(len(more)) if more[i] is not more[at] and i != failing])
        more[nothing].result = expected_again[nothing] = None
        second = await learner.outcome("gather_settled", more)
        if second.error is not None:
            fail(
                tr("`gather_settled` raised {kind} in a second call, where job {none} returned None.",
                   kind=type(second.error).__name__, none=nothing),
                observed=tr("job {failing} failed and job {none} returned None; gather_settled raised {error}.",
                            failing=failing, none=nothing, error=shown(second.error)),
                expected=tr("{wanted}: each job's result, or the exception it raised, in its place.",
                            wanted=shown(expected_again, width=400)),
                details=learner.format_error(second.error),
                advice=tr("None is a result too: a job may return it. Keep each entry as gather returns it, and tell "
                          "a failure from a result with `isinstance(entry, BaseException)`, not with a marker value "
                          "such as None."),
            )
        second_results("gather_settled", second.value, expected_again, wanted, more, at, again, got)
        return
    observed = tr("it returned {got}.", got=shown(plain(list(got)), width=400))
    expected = tr("{wanted}: each job's result, or the exception it raised, in its place.",
                  wanted=shown(wanted, width=400))
    one_for_all = len(got) > 1 and isinstance(got[0], BaseException) and all(e is got[0] for e in got)
    advice = tr(ONE_FOR_ALL_ADVICE) if one_for_all else tr("`asyncio.gather(..., return_exceptions=True)` puts each "
                                                            "job's own result or exception in its place.")
    for i in wrong:
        if i not in broken and isinstance(got[i], BaseException):
            cut = [s for s in recorder.started(jobs[i].label) if s.state == "cancelled"]
            fail(
                tr("`gather_settled` put {entry} where job {i}'s result should be.", entry=shown(got[i]), i=i),
                observed=sentences(observed, tr("job {i} did not fail: your code cancelled it before it finished "
                                                "(it would have returned {result}).", i=i, result=repr(results[i]))
                                   if cut else tr("job {i} did not fail: it returned {result}.", i=i,
                                                  result=repr(results[i]))),
                expected=expected,
                timeline=recorder.timeline() if cut else None,
                advice=tr("Let every job run to its end, the others too when one fails: cancelling what is still "
                          "running after the first failure loses their results. `asyncio.gather(..., "
                          "return_exceptions=True)` waits for every job.") if cut else advice,
            )
    for i in wrong:
        if i not in broken and not results[i] and got[i] is None:
            fail(
                tr("`gather_settled` put None where job {i}'s result {result} should be.", i=i, result=repr(results[i])),
                observed=sentences(observed, tr("job {i} did not fail: it returned {result}.", i=i,
                                                result=repr(results[i]))),
                expected=expected,
                advice=tr("A falsy result (0, '', False) is a result too: keep each entry as gather returns it. To "
                          "tell a failure from a result, test `isinstance(entry, BaseException)`, not whether the "
                          "entry is true."),
            )
    for i in wrong:
        if i in broken and isinstance(got[i], type) and issubclass(got[i], BaseException):
            fail(
                tr("`gather_settled` put the class {entry} where job {i}'s exception should be.",
                   entry=got[i].__name__, i=i),
                observed=observed,
                expected=sentences(tr("job {i} failed, so entry {i} should be the JobFailed exception it raised (the "
                                      "object itself).", i=i), expected),
                advice=tr("Put the exception object in the list, not its class: `type(error)` is the class, and "
                          "loses the words and the traceback. `asyncio.gather(..., return_exceptions=True)` puts each "
                          "job's own exception object in its place."),
            )
    for i in wrong:
        if i in broken and not isinstance(got[i], JobFailed):
            fail(
                tr("`gather_settled` put {entry} where job {i}'s exception should be.", entry=shown(plain([got[i]])[0]), i=i),
                observed=observed,
                expected=sentences(tr("job {i} failed, so entry {i} should be the JobFailed exception it raised (the "
                                      "object itself).", i=i), expected),
                advice=advice,
            )
    for i in wrong:
        other = next((k for k in broken if k != i and got[i] is raised[k]), None) if i in broken else None
        if other is not None:
            fail(
                tr("`gather_settled` put the exception of job {other} where job {i}'s exception should be.", other=other,
                   i=i),
                observed=observed,
                expected=sentences(tr("each failed job's own exception in its place: entry {i} the JobFailed that job "
                                      "{i} raised.", i=i), expected),
                advice=tr("Keep each job's own exception with its place: one variable for \"the error\", overwritten by "
                          "each failure, puts the last one everywhere. `asyncio.gather(..., return_exceptions=True)` "
                          "puts each job's own exception in its place."),
            )
    fail(tr("`{name}` returned the wrong results.", name="gather_settled"), observed=observed, expected=expected,
         advice=advice)


ONE_FOR_ALL_ADVICE = (
    "One exception object filled every place: catching the first failure around the gather and returning it for "
    "every job loses the other jobs' results. `asyncio.gather(..., return_exceptions=True)` puts each job's own "
    "result or exception in its place."
)


async def test_gather_settled_runs_jobs_concurrently(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, _ = make_jobs(rng, recorder)
    longest = max(j.seconds for j in jobs)
    # Never the longest job fails: one failure that stops the others then cuts the call short, on every draw.
    rng.choice([j for j in jobs if j.seconds < longest]).fails = True
    start = loop_clock()
    outcome = await learner.outcome("gather_settled", jobs)
    elapsed = loop_clock() - start
    if outcome.error is not None:
        fail(
            tr("`gather_settled` raised {kind} and stopped waiting for the other jobs.", kind=type(outcome.error).__name__),
            observed=tr("it gave up after {elapsed}, leaving {count} job(s) running.",
                        elapsed=seconds(elapsed), count=len(recorder.still_running())),
            expected=tr("every job running to its end; failures returned in the list, not raised."),
            timeline=recorder.timeline(),
            advice=tr("`asyncio.gather(..., return_exceptions=True)` waits for all jobs and returns exceptions as results."),
        )
    checks.returned("gather_settled", outcome.value, list, tr("a list of results and exceptions"))
    checks.all_finished("gather_settled", recorder)
    checks.on_loop_thread("gather_settled", learner, recorder)
    checks.ran_concurrently("gather_settled", recorder, elapsed, longest, advice=tr(OVERLAP_ADVICE))
    checks.earned("gather_settled", recorder, len(jobs))


def limited_jobs(rng: random.Random, recorder: Recorder) -> tuple[list[AsyncJob], list[int], int]:
    limit = rng.randint(2, 3)
    durations = uneven_durations(rng, rng.randint(limit * 2 + 1, limit * 3))
    results = rng.sample(range(100, 1000), len(durations))
    jobs = [recorder.job(f"job {i}", d, r) for i, (d, r) in enumerate(zip(durations, results))]
    return jobs, results, limit


def over_limit(recorder: Recorder, jobs: list[AsyncJob], limit: int, first_limit: int | None = None,
               kept_before: bool = False) -> None:
    """Fails when more than `limit` jobs ran at once; `first_limit` is the limit of an earlier call in this grader,
    `kept_before` whether the first call, with more jobs than this one, kept its limit."""
    __tracebackhide__ = True
    most = recorder.most_at_once()
    if most <= limit:
        return
    observed = tr("up to {most} of the {count} jobs were running at the same moment.", most=most, count=len(jobs))
    advice = ("Make each job wait for a free slot: `async with semaphore:` around `await job()`, "
              "with one `asyncio.Semaphore(limit)` shared by all the jobs.")
    if most == limit + 1 and first_limit is None:
        observed = tr("up to {most} of the {count} jobs were running at the same moment: one more than the limit.",
                      most=most, count=len(jobs))
        advice = ("One job more than the limit ran at once: look at the number that lets a job start. The Semaphore "
                  "gets the limit itself, `asyncio.Semaphore(limit)`, not `limit + 1`; a count of running jobs lets "
                  "another start while `len(running) < limit`, not `<=`.")
    if kept_before and most == len(jobs):
        observed = tr("this call had {count} jobs for a limit of {limit}, and all of them ran at once, though the "
                      "first call, with more jobs than this one, kept its limit.", count=len(jobs), limit=limit)
        advice = ("A shortcut for short lists runs them all at once (`if len(jobs) <= ...: return await "
                  "asyncio.gather(...)`), and here one job too many. Keep the limit for every call, however few the "
                  "jobs: a shared `asyncio.Semaphore(limit)` costs nothing when they fit.")
    if first_limit is not None:
        observed = tr("in a second call, with a limit of {limit} after a first call with a limit of {first}, up to "
                      "{most} of the {count} jobs were running at the same moment.",
                      limit=limit, first=first_limit, most=most, count=len(jobs))
        if most == first_limit:
            advice = SAME_AS_FIRST_ADVICE
    fail(
        tr("`gather_limited` ran {most} jobs at once; the limit was {limit}.", most=most, limit=limit),
        observed=observed,
        expected=tr("never more than {limit} running at once.", limit=limit),
        timeline=recorder.timeline(),
        advice=tr(advice),
    )


# As many at once as the first call's limit: a Semaphore kept from that call does it, and so does a floor put under the
# limit that happens to equal it (`max(limit, 2)`); the evidence does not tell them apart.
SAME_AS_FIRST_ADVICE = (
    "This call ran as many jobs at once as the first call's limit, as a Semaphore kept from that call would. Make the "
    "`asyncio.Semaphore(limit)` inside `gather_limited`, from the `limit` this call was given, and use that limit as "
    "it is, 1 included."
)
KEPT_STATE_ADVICE = (
    "This call kept the first call's limit: something outlived that call, such as a Semaphore made once at "
    "module level. Make the `asyncio.Semaphore(limit)` inside `gather_limited`, so that each call gets its own, "
    "with the limit it was given."
)


def one_per_job(got: Any, jobs: list[AsyncJob], recorder: Recorder) -> None:
    """Fails when gather_limited returned a list with fewer or more results than it was given jobs."""
    __tracebackhide__ = True
    if not isinstance(got, list) or len(got) == len(jobs):
        return
    ran = len({s.label for s in recorder.spans if s.end is not None})
    fail(
        tr("`gather_limited` returned {got} results for {count} jobs.", got=len(got), count=len(jobs)),
        observed=tr("it returned {results}; {ran} of the {count} jobs ran to their end.",
                    results=shown(got, width=400), ran=ran, count=len(jobs)),
        expected=tr("one result per job, {count} in all, in the order of the jobs.", count=len(jobs)),
        timeline=recorder.timeline(),
        advice=tr("Run every job and keep every result: `asyncio.gather` over all the jobs, each inside "
                  "`async with semaphore:`, returns one result per job, in their order."),
        cause="gather_limited result count",
    )


async def test_gather_limited_never_exceeds_limit(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, _, limit = limited_jobs(rng, recorder)
    got = await learner.call("gather_limited", jobs, limit)
    checks.on_loop_thread("gather_limited", learner, recorder)
    over_limit(recorder, jobs, limit)
    one_per_job(got, jobs, recorder)
    checks.earned("gather_limited", recorder, len(jobs))
    checks.ran_as_listed("gather_limited", recorder, jobs)
    # A second call with a smaller limit: nothing of the first call (a Semaphore kept at module level) may count.
    again = Recorder()
    second = 1  # a limit of 1 on every draw: a floor put under the limit (`max(limit, 2)`) shows
    more = [again.job(f"job {i}", 0.5 * rng.randint(1, 8), rng.randint(100, 999)) for i in range(rng.randint(limit + 1, limit + 3))]
    await learner.call("gather_limited", more, second)
    over_limit(again, more, second, first_limit=limit)
    # And a call with one job more than slots, fewer than twice as many: a shortcut for "few" jobs shows there, one
    # that counts one too many as few (`len(jobs) <= limit + 1`) included.
    few = Recorder()
    third = limit + 1
    some = [few.job(f"job {i}", 0.5 * rng.randint(1, 8), rng.randint(100, 999)) for i in range(third + 1)]
    await learner.call("gather_limited", some, third)
    over_limit(few, some, third, kept_before=len(jobs) > len(some))
    # And a larger limit, with more jobs than it: code that trusts a "generous" limit to need no seats shows.
    large = Recorder()
    fourth = rng.randint(5, 7)
    many = [large.job(f"job {i}", 0.5 * rng.randint(1, 8), rng.randint(100, 999)) for i in range(fourth + rng.randint(2, 4))]
    await learner.call("gather_limited", many, fourth)
    over_limit(large, many, fourth)


async def test_gather_limited_returns_results_in_argument_order(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, results, limit = limited_jobs(rng, recorder)
    got = await learner.call("gather_limited", jobs, limit)
    checks.on_loop_thread("gather_limited", learner, recorder)
    checks.returned("gather_limited", got, list, tr("a list of results"))
    one_per_job(got, jobs, recorder)
    checks.same_results("gather_limited", got, results, recorder)
    checks.earned("gather_limited", recorder, len(jobs))
    checks.ran_as_listed("gather_limited", recorder, jobs)
    # A second call with another limit and other jobs, one of them twice in the list: nothing of the first call's
    # may show.
    again = Recorder()
    more, wanted, at = second_jobs(rng, again, len(jobs))
    got_again = await learner.call("gather_limited", more, limit + 1)
    second_results("gather_limited", got_again, wanted, results, more, at, again, got)


async def test_gather_limited_keeps_every_slot_busy(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    jobs, _, limit = limited_jobs(rng, recorder)
    origin = loop_clock()
    # The call in a Task of its own, for the Watch to see a sleep of gather_limited's own (a loop that looks for
    # free seats every so often) as well as its Tasks' sleeps.
    async with naps.Watch(learner.path, lambda: len(recorder.spans) < len(jobs)) as watch:  # a job still waits
        await asyncio.create_task(learner.call("gather_limited", jobs, limit))
    checks.on_loop_thread("gather_limited", learner, recorder)
    slept(watch, origin, recorder, limit)
    checks.kept_slots_busy(
        "gather_limited", recorder, origin, limit, units=tr("jobs"),
        advice=tr("Start all the jobs at once with gather and let a shared `asyncio.Semaphore(limit)` decide "
                  "which may run, or let workers take the next job the moment they are free. Sharing the jobs out in "
                  "advance (fixed batches, a fixed list per worker) leaves slots idle."),
    )
    checks.earned("gather_limited", recorder, len(jobs))  # no job run leaves no slot idle either
    # More calls, with a higher limit and jobs all of one length: the first `second` end at the same moment while jobs
    # still wait, so every seat that frees must be filled at once, and no fewer workers than the limit, nor a limit
    # kept from the first call, can keep them all busy. Fewer than twice as many jobs as seats (a pool sized by the
    # number of jobs shows there), and more than twice as many (a refill of one seat fewer than freed shows there).
    second = limit + 2
    await refilled_at_once(learner, rng, limit, second,
                           rng.choice([n for n in range(second + 2, 2 * second) if n // 2 != limit]))
    await refilled_at_once(learner, rng, limit, second, rng.randint(2 * second + 1, 3 * second - 1))
    # And no more jobs than seats, on every draw: all of them start at once (a shortcut that runs few jobs one after
    # another shows).
    fewer = Recorder()
    count = rng.randint(2, limit)
    lengths = rng.sample([0.5 * k for k in range(1, 9)], count)
    start = loop_clock()
    await learner.call("gather_limited", [fewer.job(f"job {i}", d, rng.randint(100, 999)) for i, d in enumerate(lengths)],
                       limit)
    elapsed = loop_clock() - start
    if elapsed > max(lengths) + TOLERANCE:
        fail(
            tr("`gather_limited` took {elapsed} for {count} jobs and {limit} seats; the longest job takes {longest}.",
               elapsed=seconds(elapsed), count=count, limit=limit, longest=seconds(max(lengths))),
            observed=tr("with no more jobs than seats, the jobs did not all run at once."),
            expected=tr("every job starting at once when there are seats for all of them: the call takes as long as "
                        "the longest job."),
            timeline=fewer.timeline(),
            advice=tr("Keep one way for every call, however few the jobs: a shared `asyncio.Semaphore(limit)` around "
                      "each `await job()` lets them all start when there are seats for all."),
        )


async def refilled_at_once(learner: Learner, rng: random.Random, limit: int, second: int, count: int) -> None:
    """A call of gather_limited with `count` jobs of one length and a limit of `second`, after a first call with
    `limit`: no seat idle while a job waits."""
    __tracebackhide__ = True
    again = Recorder()
    length = 0.5 * rng.randint(1, 8) + 0.13  # off the half-second grid: code that looks every 0.5 s misses the ends
    more = [again.job(f"job {i}", length, rng.randint(100, 999)) for i in range(count)]
    origin = loop_clock()
    async with naps.Watch(learner.path, lambda: len(again.spans) < count) as watch:
        await asyncio.create_task(learner.call("gather_limited", more, second))
    slept(watch, origin, again, second)
    if again.most_at_once() > second:
        return  # going over the limit is another grader's business
    idle = idle_slot(again.spans, second, origin)
    if idle is None:
        checks.earned("gather_limited", again, count)
        return
    most = again.most_at_once()
    blanks = {"count": count, "length": seconds(length), "limit": second, "first": limit, "most": most,
              "start": seconds(idle.start), "end": seconds(idle.end), "running": idle.running, "waiting": idle.waiting,
              "ended": idle.ended, "started": idle.started}
    # Each count with its own words: "only 1 of 4 slots was busy", "1 more job was waiting".
    busy = tr("only 1 of {limit} slots was busy", limit=second) if idle.running == 1 \
        else tr("only {running} of {limit} slots were busy", running=idle.running, limit=second)
    waiting = tr("1 more job was waiting to start") if idle.waiting == 1 \
        else tr("{waiting} more jobs were waiting to start", waiting=idle.waiting)
    blanks["idle"] = tr("{busy} while {waiting}", busy=busy, waiting=waiting)
    if most == second and idle.ended >= 2 and idle.started < idle.ended:
        observed = tr("in a later call ({count} jobs of {length} each, a limit of {limit}), {ended} jobs ended at "
                      "{start} but only {started} started then: from {start} to {end} {idle}.", **blanks)
        advice = tr("When several jobs end at the same moment, fill every seat that freed, not just one: after "
                    "`asyncio.wait(..., return_when=asyncio.FIRST_COMPLETED)`, start one new job per finished one "
                    "(or let a shared `asyncio.Semaphore(limit)` decide, which does it for you).")
    elif most == limit:
        observed = tr("in a later call ({count} jobs of {length} each, a limit of {limit}), after a first call with a "
                      "limit of {first}, at most {most} jobs ran at once, while more were waiting to start.", **blanks)
        advice = tr(KEPT_STATE_ADVICE)
    elif idle.start <= TOLERANCE and most < second:
        observed = tr("in a later call ({count} jobs of {length} each, a limit of {limit}), at most {most} jobs ran "
                      "at once, from the start, while more were waiting to start.", **blanks)
        advice = tr("Run as many at once as the limit allows, however many jobs there are: `limit` workers (not "
                    "fewer), or one `asyncio.Semaphore(limit)` shared by all the jobs.")
    else:
        observed = tr("in a later call ({count} jobs of {length} each, a limit of {limit}), from {start} to {end} "
                      "{idle}.", **blanks)
        advice = tr("Start a new job the moment a seat frees, as many as freed: a shared `asyncio.Semaphore(limit)` "
                    "around each `await job()` does it for you.")
    fail(
        tr("`{name}` let a slot stand idle while {units} were waiting.", name="gather_limited", units=tr("jobs")),
        observed=observed,
        expected=tr("one of the waiting {units} starting the moment a running one finishes, so {limit} are busy "
                    "while any are left.", units=tr("jobs"),
                    limit=second),
        timeline=again.timeline(),
        advice=advice,
    )




def slept(watch: naps.Watch, origin: float, recorder: Recorder, limit: int) -> None:
    """Fails when a Task of the learner's slept while jobs waited for a seat and a seat stood idle (when none ever ran,
    earned() tells why). A Task asleep while every seat is busy (one that reports progress, say) keeps no job back."""
    __tracebackhide__ = True
    if watch.nap is None or not recorder.spans or idle_slot(recorder.spans, limit, origin) is None:
        return
    fail(
        tr("`gather_limited` slept while jobs waited for a seat."),
        observed=tr("at {at}, while jobs waited to start, a Task of yours was asleep at line {line} (`{source}`): a "
                    "seat it holds, or one that frees meanwhile, stays idle until it wakes.",
                    at=seconds(watch.nap.at - origin), line=watch.nap.line, source=watch.nap.source),
        expected=tr("a job starting the moment a seat frees, so {limit} are busy while any are left.", limit=limit),
        timeline=recorder.timeline(),
        advice=tr("Wait for a seat with `async with semaphore:` (one `asyncio.Semaphore(limit)` shared by all the "
                  "jobs) around `await job()` and nothing else: it wakes the next job the moment a seat is free. A "
                  "pause inside the block keeps the seat from the next job, and checking a count and sleeping "
                  "between looks leaves seats idle."),
    )
