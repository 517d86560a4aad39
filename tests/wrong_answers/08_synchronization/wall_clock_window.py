"""Topic 08, wrong: call_all_limited keeps a sliding window of start times read with time.monotonic(). A real
event loop's clock happens to be time.monotonic(), but asyncio's sleeps and timers go by the loop's clock, which
need not be: on a virtual one (the graders') the window never empties."""

import asyncio
import collections
import time

async def deposit_all(account, deposits):
    lock = asyncio.Lock()

    async def pay(deposit):
        amount = await deposit.verify()
        async with lock:
            balance = await account.read()
            await account.write(balance + amount)

    await asyncio.gather(*(pay(deposit) for deposit in deposits))


async def start_together(runners, starter):
    start = asyncio.Event()

    async def take_part(runner):
        await runner.get_ready()
        await start.wait()
        return await runner.run()

    racing = [asyncio.create_task(take_part(runner)) for runner in runners]
    await starter()
    start.set()
    return await asyncio.gather(*racing)


async def call_all_limited(calls, per_second):
    starts = collections.deque()  # the start times of recent calls, by time.monotonic()
    lock = asyncio.Lock()

    async def call_in_turn(call):
        async with lock:
            while len(starts) >= per_second:
                age = time.monotonic() - starts[0]
                if age >= 1:
                    starts.popleft()
                else:
                    await asyncio.sleep(1 - age)
            starts.append(time.monotonic())
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
