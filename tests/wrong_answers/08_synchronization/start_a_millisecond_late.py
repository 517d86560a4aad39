"""Topic 08, wrong: start_together sets its Event a millisecond after starter() returns, so the runners start late."""

import asyncio


async def deposit_all(account, deposits):
    """Pay every deposit into `account`, all deposits at the same time.

    For each deposit, first `amount = await deposit.verify()`: a slow check that touches
    nothing shared, so the verifications should all run at once. Then add the amount to
    the account: `balance = await account.read()`, then `await account.write(balance + amount)`.
    Another Task may run at each of those awaits, so two deposits must never be between
    their read and their write at the same time, or one of them is lost.
    Return nothing; the graders look at the account's final balance.
    """
    lock = asyncio.Lock()

    async def pay(deposit):
        amount = await deposit.verify()
        async with lock:
            balance = await account.read()
            await account.write(balance + amount)

    await asyncio.gather(*(pay(d) for d in deposits))


async def start_together(runners, starter):
    """Start a race: every runner starts running at the moment the start is given.

    Each runner gets ready on its own first (`await runner.get_ready()`, a different time
    for each), then waits for the start. Call `await starter()` right away: it returns at
    the moment the start is given. Then every runner runs, `await runner.run()`, all of
    them at that very moment. Return the results of run(), in the order of `runners`.
    """
    go = asyncio.Event()

    async def race(runner):
        await runner.get_ready()
        await go.wait()
        return await runner.run()

    tasks = [asyncio.create_task(race(r)) for r in runners]
    await starter()
    await asyncio.sleep(0.001)
    go.set()
    return await asyncio.gather(*tasks)


async def call_all_limited(calls, per_second):
    """Make every call (`await call()`), but start at most `per_second` of them in any one second.

    That holds for every window of one second, wherever it begins, not only for whole
    seconds on the clock. Start each call as early as the limit allows, without waiting
    for earlier calls to finish (the limit counts starts, not calls in progress).
    Return the results, in the order of `calls`.
    """
    slots = asyncio.Semaphore(per_second)
    loop = asyncio.get_running_loop()

    async def one(call):
        await slots.acquire()
        loop.call_later(1, slots.release)
        return await call()

    return await asyncio.gather(*(one(c) for c in calls))


if __name__ == "__main__":
    async def main():
        lock = asyncio.Lock()
        async with lock:
            print("only one Task at a time runs here")
        start = asyncio.Event()
        asyncio.get_running_loop().call_later(1, start.set)
        await start.wait()
        print("started after 1 s")

    asyncio.run(main())
