# Correct: type-hinted version (TypeVar, Callable[[], Awaitable[T]]) with an `if __name__ == "__main__":` demo.
"""Topic 02: tasks — asyncio.create_task and asyncio.wait."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
Job = Callable[[], Coroutine[Any, Any, T]]


async def start_in_background(job: Job[T]) -> asyncio.Task[T]:
    """Start job() as a task and return the task at once, without waiting for it."""
    return asyncio.create_task(job())


async def run_all(jobs: Sequence[Job[T]]) -> list[T]:
    """Run all jobs as tasks, wait for them with asyncio.wait, return their results in the order of `jobs`."""
    tasks: list[asyncio.Task[T]] = [asyncio.create_task(job()) for job in jobs]
    if tasks:
        await asyncio.wait(tasks)
    return [task.result() for task in tasks]


async def first_finished(jobs: Sequence[Job[T]]) -> T:
    """Return the result of whichever job finishes first, after cancelling all the others."""
    tasks: list[asyncio.Task[T]] = [asyncio.create_task(job()) for job in jobs]
    done: set[asyncio.Task[T]]
    pending: set[asyncio.Task[T]]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    winner: asyncio.Task[T] = next(iter(done))
    return winner.result()


if __name__ == "__main__":
    def after(seconds: float, value: str) -> Job[str]:
        async def job() -> str:
            await asyncio.sleep(seconds)
            return value
        return job

    async def demo() -> None:
        task = await start_in_background(after(0.1, "bg"))
        print(await run_all([after(0.3, "a"), after(0.1, "b")]))  # ['a', 'b']
        print(await first_finished([after(0.3, "slow"), after(0.1, "fast")]))  # fast
        print(await task)

    asyncio.run(demo())
