"""Topic 08: synchronization — asyncio.Lock, asyncio.Event, and a Semaphore as a rate limit.

Tasks on one event loop never run at the same instant, but they take turns at every `await`.
Code that reads shared state, awaits, and then writes it back can be interrupted in between;
the tools in this topic decide who goes when.

Fill in the TODOs, then check your work with:

    pytest exercises/08_synchronization

Read README.md in this folder first. Keep experiments under
`if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

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
    # TODO: one asyncio.Lock shared by every deposit, held around the read and the write only.
    raise NotImplementedError("deposit_all")


async def start_together(runners, starter):
    """Start a race: every runner starts running at the moment the start is given.

    Each runner gets ready on its own first (`await runner.get_ready()`, a different time
    for each), then waits for the start. Call `await starter()` right away: it returns at
    the moment the start is given. Then every runner runs, `await runner.run()`, all of
    them at that very moment. Return the list of the results of run(), in the order of `runners`.
    """
    # TODO: the runners wait on an asyncio.Event; set it when starter() returns.
    raise NotImplementedError("start_together")


async def call_all_limited(calls, per_second):
    """Make every call (`await call()`), but start at most `per_second` of them in any one second.

    That holds for every window of one second, wherever it begins, not only for whole
    seconds on the clock. Start each call as early as the limit allows, without waiting
    for earlier calls to finish (the limit counts starts, not calls in progress).
    Return the list of the results, in the order of `calls`.
    """
    # TODO: an asyncio.Semaphore(per_second) whose each slot is given back one second after it was taken.
    raise NotImplementedError("call_all_limited")


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
