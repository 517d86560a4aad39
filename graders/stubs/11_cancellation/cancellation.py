"""Topic 11: cancellation — cleanup, shield, graceful shutdown.

Cancelling a task (`task.cancel()`, or a timeout running out) raises CancelledError inside it,
at the `await` it is waiting in. On the way out the coroutine may tidy up (`finally:`), and may
even await there; then the CancelledError must go on to the caller. A coroutine that catches it
and carries on breaks every timeout and every shutdown built on cancellation.

The jobs you receive are async functions that take no arguments: `await job()` runs one.

Fill in the TODOs, then check your work with:

    pytest exercises/11_cancellation

Read README.md in this folder first. Keep experiments under
`if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

import asyncio


async def run_job(job, connection):
    """Await job() and return its result. The job uses `connection`: close it before you leave,
    with `await connection.close()` (closing takes a moment), whether the job finished, the job
    failed (its error goes on to the caller), or run_job was cancelled.

    A cancelled run_job closes the connection, then stays cancelled: the caller must see the
    CancelledError.
    """
    # TODO: try / finally, with an awaited close in the finally block.
    raise NotImplementedError("run_job")


async def save(prepare, commit):
    """Save something in two steps and return the commit's receipt:

        value = await prepare()          # works out what to save
        receipt = await commit(value)    # writes it; must never be cut in half

    Cancelling save while it prepares stops it at once: nothing is committed. A commit that has
    started runs to its end even if save is cancelled meanwhile; save itself still ends
    cancelled (the caller sees the CancelledError, not the receipt).
    """
    # TODO: asyncio.shield around the commit, and only around the commit.
    raise NotImplementedError("save")


async def shut_down(tasks, stop, grace):
    """Stop a service gracefully. `tasks` are its running workers (asyncio Tasks); `stop` is the
    asyncio.Event they all watch: once it is set, each worker finishes the piece of work it is
    on, tidies up and returns. A worker stuck in a long piece, or waiting for work that never
    comes, does not notice.

    Ask the workers to stop (`stop.set()`), and give them up to `grace` seconds to end. Cancel
    those still running then, and wait until they have ended (their cleanup takes a moment).
    Return as soon as every worker has ended, with a report: a tuple of two lists,

        (finished, cancelled)

    the positions in `tasks` of the workers that ended on their own, and of those you had to
    cancel, each list in increasing order. For example ([0, 2], [1]).
    """
    # TODO: stop.set(); asyncio.wait(tasks, timeout=grace); cancel what is pending; wait for it.
    raise NotImplementedError("shut_down")


async def run_steps(steps, step_timeout, total_timeout):
    """Await the steps one after another and return the list of their results.

    Each step has `step_timeout` seconds of its own: a step still running then is cancelled, its
    result is None, and the next step starts at once. All the steps together have
    `total_timeout` seconds: at that deadline, cancel the step that is running and raise
    TimeoutError.
    """
    # TODO: an asyncio.timeout for each step, inside one asyncio.timeout for them all.
    raise NotImplementedError("run_steps")


if __name__ == "__main__":
    class Connection:
        async def close(self):
            await asyncio.sleep(0.5)
            print("connection closed")

    async def job():
        await asyncio.sleep(2)
        return "done"

    async def main():
        task = asyncio.create_task(run_job(job, Connection()))
        await asyncio.sleep(1)
        task.cancel()  # "connection closed", then the task ends cancelled
        try:
            await task
        except asyncio.CancelledError:
            print("run_job stayed cancelled, as it should")

    asyncio.run(main())
