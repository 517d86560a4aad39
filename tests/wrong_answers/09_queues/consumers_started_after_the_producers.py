"""Topic 09, wrong: run_pipeline awaits the producers before it starts the consumers: with a bounded queue, the producers wait for room for ever."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

    async def produce(source):
        async for item in source:
            await queue.put(item)  # waits while the queue is full

    async def consume():
        nonlocal processed
        while True:
            item = await queue.get()
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)
            finally:
                queue.task_done()

    await asyncio.gather(*(produce(source) for source in sources))  # "first everything in, then process it"
    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    try:
        await queue.join()
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
