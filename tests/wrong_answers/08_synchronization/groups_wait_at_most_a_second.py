"""Topic 08, wrong: call_all_limited starts the calls in groups of per_second, the next group once the group before has ended or a second has passed, whichever comes first: short calls let the next group in early."""

import asyncio


async def deposit_all(account, deposits):
    lock = asyncio.Lock()

    async def pay(deposit):
        amount = await deposit.verify()  # outside the lock: the verifications overlap
        async with lock:  # one deposit at a time between reading and writing
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
    tasks = []
    for first in range(0, len(calls), per_second):
        group = [asyncio.create_task(call()) for call in calls[first:first + per_second]]
        tasks += group
        if first + per_second < len(calls):
            await asyncio.wait(group, timeout=1)  # ends early when the whole group ends early
    return await asyncio.gather(*tasks)
