"""Each consumer hands `process(item)` to a Task of its own and waits for it: `asyncio.wait_for` with a generous
timeout (which on 3.11 runs it in a Task), or `gather(..., return_exceptions=True)`. The consumer is still the
one that took the item."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume(index):
        nonlocal processed
        while True:
            item = await queue.get()
            try:
                if index % 2:
                    (outcome,) = await asyncio.gather(process(item), return_exceptions=True)
                    if isinstance(outcome, Exception):
                        raise outcome
                else:
                    await asyncio.wait_for(process(item), timeout=3600)
            except Exception:
                failed.append(item)
            else:
                processed += 1
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume(i)) for i in range(consumers)]
    await asyncio.gather(*(produce(s) for s in sources))
    await queue.join()
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
