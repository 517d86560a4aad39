"""Topic 08, wrong: deposit_all waits at most a few seconds for the lock (wait_for(lock.acquire(), 5)) and drops the deposit when it times out."""

import asyncio


async def deposit_all(account, deposits):
    lock = asyncio.Lock()

    async def pay(deposit):
        amount = await deposit.verify()
        try:
            await asyncio.wait_for(lock.acquire(), timeout=5)  # "defensive": gives up on a busy account
        except TimeoutError:
            return
        try:
            balance = await account.read()
            await account.write(balance + amount)
        finally:
            lock.release()

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
    loop = asyncio.get_running_loop()

    async def call_in_turn(call):
        await slots.acquire()
        loop.call_later(1, slots.release)
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
