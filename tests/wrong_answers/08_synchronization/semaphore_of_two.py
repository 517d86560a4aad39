"""Topic 08, wrong: deposit_all guards the read and the write with asyncio.Semaphore(2), which lets two
deposits between their read and their write at once: one of their updates is lost."""

import asyncio

async def deposit_all(account, deposits):
    lock = asyncio.Semaphore(2)  # "a lock that lets a little more through"

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
    slots = asyncio.Semaphore(per_second)

    async def call_in_turn(call):
        await slots.acquire()
        loop.call_later(1, slots.release)
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
