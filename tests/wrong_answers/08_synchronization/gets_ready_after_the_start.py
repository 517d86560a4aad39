"""Topic 08, wrong: each runner waits for the start first and only then gets ready, so all of them start late."""

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
        await start.wait()
        await runner.get_ready()  # after the start: every runner is late by its own getting ready
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
        loop.call_later(1, slots.release)  # the slot comes back one second after this start
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
