"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout.

Each function receives jobs (or steps): async functions that take no arguments.
`job()` gives you a coroutine; `await job()` runs it. A job that takes too long should be
*cancelled* at the deadline, not left running and not waited for.

Fill in the TODOs, then check your work with:

    pytest exercises/04_timeouts

Read README.md in this folder first.
"""

import asyncio


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`.

    Return at the deadline, not when the job would have finished, and leave nothing running.
    """
    # TODO: asyncio.wait_for(...), and catch TimeoutError.
    raise NotImplementedError("with_deadline")


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; return a list in the order of `jobs`
    holding each job's result, or None for a job that did not finish in time.
    """
    # TODO: one wait_for per job, all of them running together.
    raise NotImplementedError("each_within")


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them.

    Return the list of results of the steps that finished before the deadline (all of them
    if there is time). The step running at the deadline is cancelled; later steps never start.
    """
    # TODO: async with asyncio.timeout(...) around the loop, and catch TimeoutError outside it.
    raise NotImplementedError("steps_within")


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever
    happens: when job() returns, when it raises (its error goes on to the caller), and when this
    coroutine is cancelled (by a timeout, for instance).

    A cancelled coroutine must stay cancelled: do not swallow asyncio.CancelledError.
    """
    # TODO: try / finally.
    raise NotImplementedError("run_and_clean_up")
