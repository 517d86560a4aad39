"""Consumers loop `while not queue.empty()`: they stop the first time the queue is empty, at the very start."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    failed = []
    processed = 0

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume():
        nonlocal processed
        while not queue.empty():
            item = await queue.get()
            try:
                await process(item)
            except Exception:
                failed.append(item)
            else:
                processed += 1
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    try:
        await asyncio.gather(*(produce(s) for s in sources))
        await queue.join()
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
