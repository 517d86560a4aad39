"""Topic 09, correct: each producer reads its source inside contextlib.aclosing(...), as one does with an async generator that may hold resources."""

import asyncio


import contextlib
import logging

log = logging.getLogger(__name__)


async def run_pipeline(sources, process, consumers, maxsize):
    if not sources:
        return 0, []
    queue = asyncio.Queue(maxsize=maxsize)
    counts = {"ok": 0}
    failed = []

    async def produce(n, source):
        async with contextlib.aclosing(aiter(source)) as it:
            async for item in it:
                await queue.put(item)
        log.debug("producer %d done", n)

    async def consume(n):
        while True:
            item = await queue.get()
            try:
                await process(item)
                counts["ok"] += 1
            except Exception:
                log.info("consumer %d: %r failed", n, item)
                failed.append(item)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume(n)) for n in range(consumers)]
    try:
        for coro in asyncio.as_completed([produce(n, s) for n, s in enumerate(sources)]):
            await coro
        await queue.join()
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return counts["ok"], failed


if __name__ == "__main__":
    async def numbers(start, count):
        for n in range(start, start + count):
            await asyncio.sleep(0.1)  # a fast producer
            yield n

    async def slow_square(n):
        await asyncio.sleep(1)  # a slow consumer
        if n == 13:
            raise ValueError("unlucky")
        print(n, "squared is", n * n)

    # Two producers of 6 items each, 3 consumers, room for 2 items: should take about 4 s
    # and print (11, [13]).
    print(asyncio.run(run_pipeline([numbers(10, 6), numbers(20, 6)], slow_square, 3, 2)))
