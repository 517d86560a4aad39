"""Topic 08, wrong: start_together runs the runners in a TaskGroup and calls starter() only after the block,
which waits for runners that wait for the start: starter() is never called."""

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

    async with asyncio.TaskGroup() as group:  # the block waits for every runner, which waits for the start
        racing = [group.create_task(take_part(runner)) for runner in runners]
    await starter()
    start.set()
    return [task.result() for task in racing]


async def call_all_limited(calls, per_second):
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(per_second)

    async def call_in_turn(call):
        await slots.acquire()
        loop.call_later(1, slots.release)
        return await call()

    return await asyncio.gather(*(call_in_turn(call) for call in calls))
