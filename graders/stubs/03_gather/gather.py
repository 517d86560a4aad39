"""Topic 03: asyncio.gather — run awaitables concurrently, get results in order.

Each function receives `jobs`: a list of async functions that take no arguments.
Calling `job()` gives you a coroutine; awaiting it runs the job and gives its result:

    result = await jobs[0]()

Fill in the TODOs, then check your work with:

    pytest exercises/03_gather

Read README.md in this folder first. Keep experiments under
`if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`.

    If a job raises an exception, let it propagate: gather_all raises it too.
    Total time should be that of the longest job, not the sum of all of them.
    """
    # TODO: start all the jobs together and wait for all of them.
    raise NotImplementedError("gather_all")


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others.

    Return one entry per job, in order: the job's result, or the exception
    object it raised (return it, do not raise it). Every job runs to the end.
    """
    # TODO: gather can collect exceptions as results instead of raising the first one.
    raise NotImplementedError("gather_settled")


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment.

    Results come back in the order of `jobs`. Start the next job as soon as
    a running one finishes, so that `limit` jobs are busy whenever possible.
    """
    # TODO: an asyncio.Semaphore(limit) lets at most `limit` coroutines in at once.
    raise NotImplementedError("gather_limited")


if __name__ == "__main__":
    async def job(name, seconds):
        print(f"{name} starts")
        await asyncio.sleep(seconds)
        print(f"{name} ends after {seconds} s")
        return name

    jobs = [lambda: job("a", 2), lambda: job("b", 1), lambda: job("c", 1.5)]
    print(asyncio.run(gather_all(jobs)))  # should take about 2 s and print ['a', 'b', 'c']
