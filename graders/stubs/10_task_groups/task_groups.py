"""Topic 10: task groups — structured concurrency and ExceptionGroup.

Each function receives jobs: async functions that take no arguments. `job()` gives you a
coroutine; `tg.create_task(job())` starts it as a child of the task group `tg`. A job may
fail: after a while it raises an exception instead of returning its result.

Structured concurrency means that no task outlives the block that started it: when a job
fails, the jobs still running beside it are cancelled, and the block ends only once every
one of them has ended. The errors come out together, in an ExceptionGroup.

Fill in the TODOs, then check your work with:

    pytest exercises/10_task_groups

Read README.md in this folder first. Keep experiments under
`if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

import asyncio


async def run_all(jobs):
    """Run every job at the same time and return the list of their results, in the order of `jobs`.

    When a job fails, cancel the jobs that are still running, wait until they have ended,
    and raise an ExceptionGroup holding the exception of every job that failed. Nothing may
    still be running once run_all has returned or raised.
    """
    # TODO: async with asyncio.TaskGroup() as tg: one tg.create_task(job()) per job.
    raise NotImplementedError("run_all")


async def run_partial(jobs):
    """Like run_all, but report what happened to each job instead of raising.

    Return a list in the order of `jobs` holding, for each job, its result if it finished,
    the exception object it raised if it failed, or None if it was cancelled. As in run_all,
    the jobs still running when one fails are cancelled at that moment.
    """
    # TODO: keep the tasks, catch the group's errors with except* around the task group,
    #       then ask each task what happened to it.
    raise NotImplementedError("run_partial")


async def run_retrying(jobs, attempts):
    """Run all the jobs together as run_all does, and return the list of their results.

    A ValueError from a job means "try again": when a batch fails with ValueErrors only, run
    all the jobs again, up to `attempts` batches in all; if the last one fails too, its
    ExceptionGroup reaches the caller. Any other error is not retried: it reaches the caller,
    in the ExceptionGroup, at once.
    """
    # TODO: a loop over the attempts, with `except* ValueError:` around the task group.
    raise NotImplementedError("run_retrying")


async def run_groups(groups, timeout):
    """`groups` is a list of groups, each a list of jobs. Run every group at once, and in each
    group every job at once.

    Return a list with, for each group, the list of its results, or None for a group in which
    a job failed: that group's other jobs are cancelled, while the other groups go on.

    All of it has `timeout` seconds: at the deadline, cancel every job still running (so the
    cleanup in its `finally:` runs) and raise TimeoutError.
    """
    # TODO: a task group for each group, inside one outer task group, inside asyncio.timeout().
    raise NotImplementedError("run_groups")


if __name__ == "__main__":
    async def job(name, seconds, fails=False):
        try:
            await asyncio.sleep(seconds)
            if fails:
                raise ValueError(f"{name} failed")
            return name
        finally:
            print(f"{name} ends after {seconds} s or less")

    ok = [lambda: job("a", 2), lambda: job("b", 1)]
    print(asyncio.run(run_all(ok)))  # about 2 s, then ['a', 'b']
    bad = [lambda: job("a", 2), lambda: job("b", 1, fails=True)]
    print(asyncio.run(run_partial(bad)))  # about 1 s, then [None, ValueError('b failed')]
