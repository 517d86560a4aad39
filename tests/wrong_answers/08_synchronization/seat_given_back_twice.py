"""Topic 08, wrong: call_all_limited takes its seat with `async with` and also schedules a release a second later,
so every seat is given back twice."""

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
    loop = asyncio.get_running_loop()

    async def call_in_turn(call):
        async with slots:  # gives the seat back as the block ends...
            loop.call_later(1, slots.release)  # ... and this, a second time, a second after the start
            return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
