# Correct: the reference's idioms in a class that owns its lock, with type hints, logging, and a
# demo under `if __name__ == "__main__":`.
"""Topic 08: synchronization."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Account(Protocol):
    async def read(self) -> int: ...
    async def write(self, value: int) -> None: ...


class Ledger:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.lock = asyncio.Lock()

    async def pay(self, deposit: Any) -> None:
        amount: int = await deposit.verify()
        log.info("verified %s: %d", deposit, amount)
        async with self.lock:
            balance = await self.account.read()
            await self.account.write(balance + amount)
        log.info("paid in %d", amount)


async def deposit_all(account: Account, deposits: Sequence[Any]) -> None:
    ledger = Ledger(account)
    await asyncio.gather(*(ledger.pay(deposit) for deposit in deposits))


async def start_together(runners: Sequence[Any], starter: Callable[[], Awaitable[None]]) -> list[Any]:
    start = asyncio.Event()

    async def take_part(runner: Any) -> Any:
        await runner.get_ready()
        log.info("%s is ready", runner)
        await start.wait()
        return await runner.run()

    racing = [asyncio.create_task(take_part(runner)) for runner in runners]
    await starter()
    log.info("go!")
    start.set()
    return list(await asyncio.gather(*racing))


async def call_all_limited(calls: Sequence[Callable[[], Awaitable[Any]]], per_second: int) -> list[Any]:
    slots = asyncio.BoundedSemaphore(per_second)
    loop = asyncio.get_running_loop()

    async def call_in_turn(index: int, call: Callable[[], Awaitable[Any]]) -> Any:
        async with asyncio.timeout(60):
            await slots.acquire()
        loop.call_later(1, slots.release)
        log.info("call %d starts at %.2f", index, loop.time())
        return await call()

    return list(await asyncio.gather(*(call_in_turn(i, call) for i, call in enumerate(calls))))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)

    async def demo() -> None:
        async def call() -> float:
            await asyncio.sleep(0.1)
            return asyncio.get_running_loop().time()

        print(await call_all_limited([call] * 5, 2))

    asyncio.run(demo())
