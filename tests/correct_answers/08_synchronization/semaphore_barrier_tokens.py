# Correct: Semaphore(1) as the lock, an asyncio.Barrier for the start (the starter's Task is one
# more party), and a token bucket: a queue of `per_second` tokens, each put back a second after use.
"""Topic 08: synchronization."""

import asyncio


async def deposit_all(account, deposits):
    one_at_a_time = asyncio.Semaphore(1)

    async def pay(deposit):
        amount = await deposit.verify()
        async with one_at_a_time:
            balance = await account.read()
            await account.write(balance + amount)

    async with asyncio.TaskGroup() as group:
        for deposit in deposits:
            group.create_task(pay(deposit))


async def start_together(runners, starter):
    line = asyncio.Barrier(len(runners) + 1)

    async def take_part(runner):
        await runner.get_ready()
        await line.wait()
        return await runner.run()

    async with asyncio.TaskGroup() as group:
        racing = [group.create_task(take_part(runner)) for runner in runners]
        await starter()
        await line.wait()
    return [task.result() for task in racing]


async def call_all_limited(calls, per_second):
    loop = asyncio.get_running_loop()
    tokens = asyncio.Queue()
    for token in range(per_second):
        tokens.put_nowait(token)

    async def call_with_token(call):
        token = await tokens.get()
        loop.call_later(1, tokens.put_nowait, token)
        return await call()

    return await asyncio.gather(*(call_with_token(call) for call in calls))
