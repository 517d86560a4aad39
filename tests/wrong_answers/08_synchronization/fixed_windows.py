"""Counts calls per whole second of the clock: up to twice the limit gets through across a whole second."""

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
    loop = asyncio.get_running_loop()
    lock = asyncio.Lock()
    window, used = None, 0

    async def call_in_turn(call):
        nonlocal window, used
        async with lock:
            while True:
                second = int(loop.time())
                if second != window:
                    window, used = second, 0
                if used < per_second:
                    used += 1
                    break
                await asyncio.sleep(second + 1 - loop.time())
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
