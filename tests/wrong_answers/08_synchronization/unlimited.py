"""Starts every call at once: no limit at all."""

import asyncio

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
    return await asyncio.gather(*(call() for call in calls))
