"""Starts each write inside the lock with ensure_future and awaits them all at the end: the lock
is let go while the write is still going on."""

import asyncio


async def deposit_all(account, deposits):
    lock = asyncio.Lock()
    writes = []

    async def pay(deposit):
        amount = await deposit.verify()
        async with lock:
            balance = await account.read()
            writes.append(asyncio.ensure_future(account.write(balance + amount)))

    await asyncio.gather(*(pay(deposit) for deposit in deposits))
    await asyncio.gather(*writes)


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
    loop = asyncio.get_running_loop()

    async def call_in_turn(call):
        await slots.acquire()
        loop.call_later(1, slots.release)
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
