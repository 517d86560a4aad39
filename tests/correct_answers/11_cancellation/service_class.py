# Correct: a class-based shutdown, an async context manager for the connection, and a hand-made step timeout with call_later that undoes its own cancellation with Task.uncancel().
"""Topic 11: cancellation — cleanup, shield, graceful shutdown."""

import asyncio
import contextlib


@contextlib.asynccontextmanager
async def opened(connection):
    try:
        yield connection
    finally:
        await connection.close()


async def run_job(job, connection):
    async with opened(connection):
        return await job()


async def save(prepare, commit):
    value = await prepare()
    return await asyncio.shield(commit(value))


class Shutdown:
    """The stages of a graceful shutdown."""

    def __init__(self, tasks, stop, grace):
        self.tasks = list(tasks)
        self.stop = stop
        self.grace = grace

    def ask(self):
        self.stop.set()

    async def wait(self):
        _, pending = await asyncio.wait(self.tasks, timeout=self.grace)
        return pending

    async def cancel(self, pending):
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def report(self):
        finished = [i for i, task in enumerate(self.tasks) if not task.cancelled()]
        return finished, [i for i in range(len(self.tasks)) if i not in finished]

    async def run(self):
        self.ask()
        pending = await self.wait()
        if pending:
            await self.cancel(pending)
        return self.report()


async def shut_down(tasks, stop, grace):
    return await Shutdown(tasks, stop, grace).run()


async def run_steps(steps, step_timeout, total_timeout):
    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    results = []
    async with asyncio.timeout(total_timeout):
        for step in steps:
            expired = False

            def time_up():
                nonlocal expired
                expired = True
                me.cancel()

            alarm = loop.call_later(step_timeout, time_up)
            try:
                results.append(await step())
            except asyncio.CancelledError:
                if not expired:
                    raise  # someone else's cancellation: the total deadline's, or the caller's
                me.uncancel()  # ours: undone, so that the outer timeout is not confused
                results.append(None)
            finally:
                alarm.cancel()
    return results
