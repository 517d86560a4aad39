# Correct: wait_for / asyncio.timeout solution with logging.getLogger(__name__).warning(...) and print() calls inside.
"""Topic 04: timeouts — asyncio.wait_for and asyncio.timeout."""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def with_deadline(job, timeout, fallback):
    """Return job()'s result if it finishes within `timeout` seconds; otherwise return `fallback`."""
    print(f"with_deadline: giving the job {timeout} s")
    try:
        result = await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        logger.warning("job ran out of time after %s s, using fallback %r", timeout, fallback)
        print("with_deadline: timed out")
        return fallback
    print("with_deadline: in time:", result)
    return result


async def each_within(jobs, timeout):
    """Run all jobs at once, each with its own `timeout`; None for a job that did not finish in time."""
    async def one(i, job):
        try:
            return await asyncio.wait_for(job(), timeout)
        except TimeoutError:
            logger.warning("job %d timed out", i)
            print(f"job {i}: too slow")
            return None

    results = await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs)))
    print("each_within:", results)
    return results


async def steps_within(steps, timeout):
    """Await the steps one after another under ONE deadline of `timeout` seconds for all of them."""
    results = []
    try:
        async with asyncio.timeout(timeout):
            for n, step in enumerate(steps):
                print("step", n, "starts")
                results.append(await step())
    except TimeoutError:
        logger.warning("deadline hit after %d of %d steps", len(results), len(steps))
    return results


async def run_and_clean_up(job, clean_up):
    """Await job() and return its result. Call clean_up() exactly once before leaving, whatever happens."""
    try:
        return await job()
    except asyncio.CancelledError:
        logger.warning("run_and_clean_up was cancelled; cleaning up and re-raising")
        print("cancelled!")
        raise
    finally:
        print("cleaning up")
        clean_up()
