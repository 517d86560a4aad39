# Correct: each_within runs per-job asyncio.timeout wrappers inside an asyncio.TaskGroup; clean-up via a @contextmanager.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio
import contextlib


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    try:
        async with asyncio.timeout(timeout) as scope:
            return await job()
    except TimeoutError:
        if scope.expired():
            return fallback
        raise  # a TimeoutError raised by the job itself, not our deadline


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(with_deadline(job, timeout, None)) for job in jobs]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    results = []
    try:
        async with asyncio.timeout(timeout):
            for step in steps:
                value = await step()
                results.append(value)
    except TimeoutError:
        return results
    return results


@contextlib.contextmanager
def _cleaned_up_by(clean_up):
    try:
        yield
    finally:
        clean_up()


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    with _cleaned_up_by(clean_up):
        return await job()
