"""start_together collects the runners' results with as_completed: in the order they finish, not the runners' order."""

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
    go = asyncio.Event()

    async def one(runner):
        await runner.get_ready()
        await go.wait()
        return await runner.run()

    tasks = [asyncio.create_task(one(r)) for r in runners]
    await starter()
    go.set()
    results = []
    for next_done in asyncio.as_completed(tasks):
        results.append(await next_done)
    return results


async def call_all_limited(calls, per_second):
    slots = asyncio.Semaphore(per_second)
    loop = asyncio.get_running_loop()

    async def call_in_turn(call):
        await slots.acquire()
        loop.call_later(1, slots.release)  # the slot comes back one second after this start
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
