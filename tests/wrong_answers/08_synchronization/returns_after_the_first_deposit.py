"""Topic 08, wrong: deposit_all returns once the first deposit is paid in (asyncio.wait with FIRST_COMPLETED taken for "all"), while the others still run."""

import asyncio


async def deposit_all(account, deposits):
    lock = asyncio.Lock()

    async def pay(deposit):
        amount = await deposit.verify()
        async with lock:
            balance = await account.read()
            await account.write(balance + amount)

    tasks = [asyncio.create_task(pay(deposit)) for deposit in deposits]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)  # the first one done, not all


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
