"""Sleeps 1/per_second before each call but the first: evenly spaced starts, never too many, but the first
per_second calls are spread over a second they could have started at once in; on some draws the last call
starts on time all the same."""

import asyncio

async def deposit_all(account, deposits):
    lock = asyncio.Lock()

    async def one(deposit):
        amount = await deposit.verify()
        async with lock:
            balance = await account.read()
            await account.write(balance + amount)

    await asyncio.gather(*(one(d) for d in deposits))


async def start_together(runners, starter):
    go = asyncio.Event()

    async def one(runner):
        await runner.get_ready()
        await go.wait()
        return await runner.run()

    tasks = [asyncio.create_task(one(r)) for r in runners]
    await starter()
    go.set()
    return await asyncio.gather(*tasks)


async def call_all_limited(calls, per_second):
    tasks = []
    for i, call in enumerate(calls):
        if i:
            await asyncio.sleep(1 / per_second)
        tasks.append(asyncio.create_task(call()))
    return await asyncio.gather(*tasks)
