"""Topic 08, wrong: call_all_limited gives a slot back when its call ends or a second after it started, whichever comes first: a short call frees its slot early."""

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
    slots = asyncio.Semaphore(per_second)

    async def one(call):
        async with slots:
            task = asyncio.create_task(call())
            await asyncio.wait([task], timeout=1)  # ends early when the call ends early
        return await task

    return await asyncio.gather(*(one(call) for call in calls))
