"""Topic 08, wrong: call_all_limited keeps a sliding window of start times but lets a call start while
`per_second` calls are in it (`<=` for `<`): one call too many in every second."""

import asyncio
import collections

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
    loop = asyncio.get_running_loop()
    starts = collections.deque()  # the start times of the calls of the last second

    async def call_in_turn(call):
        while True:
            now = loop.time()
            while starts and now - starts[0] >= 1:
                starts.popleft()
            if len(starts) <= per_second:  # one too many: < per_second is the limit
                break
            await asyncio.sleep(starts[0] + 1 - now)
        starts.append(now)
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
