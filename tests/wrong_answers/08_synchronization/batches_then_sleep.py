"""Topic 08, wrong: call_all_limited makes the calls in fixed batches of per_second, each batch a second after the one before ended."""

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
    results = []
    for i in range(0, len(calls), per_second):
        results += await asyncio.gather(*(call() for call in calls[i:i + per_second]))
        await asyncio.sleep(1)  # a second between batches
    return results
