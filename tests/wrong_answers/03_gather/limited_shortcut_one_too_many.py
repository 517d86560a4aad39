"""Topic 03, wrong: gather_limited gathers everything at once when there are at most limit + 1 jobs: one too many run."""

import asyncio


async def gather_all(jobs):
    """Run every job at the same time and return their results, in the order of `jobs`.

    If a job raises an exception, let it propagate: gather_all raises it too.
    Total time should be that of the longest job, not the sum of all of them.
    """
    return await asyncio.gather(*(job() for job in jobs))


async def gather_settled(jobs):
    """Like gather_all, but a job that fails does not spoil the others.

    Return one entry per job, in order: the job's result, or the exception
    object it raised (return it, do not raise it). Every job runs to the end.
    """
    return await asyncio.gather(*(job() for job in jobs), return_exceptions=True)


async def gather_limited(jobs, limit):
    """Run the jobs concurrently, but never more than `limit` of them at the same moment.

    Results come back in the order of `jobs`. Start the next job as soon as
    a running one finishes, so that `limit` jobs are busy whenever possible.
    """
    if len(jobs) <= limit + 1:       # few enough: just run them all
        return await gather_all(jobs)
    sem = asyncio.Semaphore(limit)

    async def one(job):
        async with sem:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))


if __name__ == "__main__":
    async def job(name, seconds):
        print(f"{name} starts")
        await asyncio.sleep(seconds)
        print(f"{name} ends after {seconds} s")
        return name

    jobs = [lambda: job("a", 2), lambda: job("b", 1), lambda: job("c", 1.5)]
    print(asyncio.run(gather_all(jobs)))  # should take about 2 s and print ['a', 'b', 'c']
