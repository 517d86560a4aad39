# Correct: everything with asyncio.Condition: a Condition as the account's lock, notify_all as the
# start signal, and a Condition that wakes callers when a start in the window turns a second old.
"""Topic 08: synchronization."""

import asyncio
from collections import deque


async def deposit_all(account, deposits):
    turn = asyncio.Condition()

    async def pay(deposit):
        amount = await deposit.verify()
        async with turn:
            balance = await account.read()
            await account.write(balance + amount)

    await asyncio.gather(*(pay(deposit) for deposit in deposits))


async def start_together(runners, starter):
    go = asyncio.Condition()
    started = False

    async def take_part(runner):
        await runner.get_ready()
        async with go:
            await go.wait_for(lambda: started)
        return await runner.run()

    racing = [asyncio.create_task(take_part(runner)) for runner in runners]
    await starter()
    async with go:
        started = True
        go.notify_all()
    return await asyncio.gather(*racing)


async def call_all_limited(calls, per_second):
    loop = asyncio.get_running_loop()
    window = asyncio.Condition()
    recent = deque()

    def forget_oldest():
        recent.popleft()
        loop.create_task(wake())

    async def wake():
        async with window:
            window.notify_all()

    async def call_in_turn(call):
        async with window:
            await window.wait_for(lambda: len(recent) < per_second)
            recent.append(loop.time())
            loop.call_later(1, forget_oldest)
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
