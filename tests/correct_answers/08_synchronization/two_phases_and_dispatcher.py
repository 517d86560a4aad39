# Correct without the usual tools: verify everything first and apply the amounts one by one (one
# Task writes, so nothing can interleave); get everyone ready while the starter runs, then start
# all; a dispatcher that starts calls itself, sleeping until the oldest start of the window is a second old.
"""Topic 08: synchronization."""

import asyncio


async def deposit_all(account, deposits):
    amounts = await asyncio.gather(*(deposit.verify() for deposit in deposits))
    for amount in amounts:
        balance = await account.read()
        await account.write(balance + amount)


async def start_together(runners, starter):
    await asyncio.gather(starter(), *(runner.get_ready() for runner in runners))
    return await asyncio.gather(*(runner.run() for runner in runners))


async def call_all_limited(calls, per_second):
    loop = asyncio.get_running_loop()
    tasks, starts = [], []
    for call in calls:
        if len(starts) >= per_second:
            wait = starts[-per_second] + 1 - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        starts.append(loop.time())
        tasks.append(asyncio.create_task(call()))
    return await asyncio.gather(*tasks)
