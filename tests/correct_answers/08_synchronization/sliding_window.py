# Correct: a lock taken and released by hand, an Event, and a sliding window: a deque of the
# start times of the last second, guarded by a lock, sleeping until the oldest is a second old.
"""Topic 08: synchronization."""

import asyncio
from collections import deque


async def deposit_all(account, deposits):
    lock = asyncio.Lock()

    async def pay(deposit):
        amount = await deposit.verify()
        await lock.acquire()
        try:
            balance = await account.read()
            await account.write(balance + amount)
        finally:
            lock.release()

    tasks = [asyncio.create_task(pay(deposit)) for deposit in deposits]
    for task in tasks:
        await task


async def start_together(runners, starter):
    start = asyncio.Event()

    async def take_part(runner):
        await runner.get_ready()
        await start.wait()
        return await runner.run()

    async def give_the_start():
        await starter()
        start.set()

    *results, _ = await asyncio.gather(*(take_part(runner) for runner in runners), give_the_start())
    return results


async def call_all_limited(calls, per_second):
    loop = asyncio.get_running_loop()
    turn = asyncio.Lock()
    starts = deque()

    async def call_in_turn(call):
        async with turn:
            while True:
                now = loop.time()
                while starts and now - starts[0] >= 1:
                    starts.popleft()
                if len(starts) < per_second:
                    break
                await asyncio.sleep(starts[0] + 1 - now)
            starts.append(now)
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
