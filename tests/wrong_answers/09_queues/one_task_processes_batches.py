"""One Task takes up to `consumers` items at a time and processes them together with gather: the next batch waits
for the slowest item of the last one, while consumers could have taken items."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def one(item):
        nonlocal processed
        try:
            await process(item)
            processed += 1
        except Exception:
            failed.append(item)
        finally:
            queue.task_done()

    async def batches():
        while True:
            batch = [await queue.get()]
            while len(batch) < consumers and not queue.empty():
                batch.append(queue.get_nowait())
            await asyncio.gather(*(one(item) for item in batch))

    worker = asyncio.create_task(batches())
    await asyncio.gather(*(produce(s) for s in sources))
    await queue.join()
    worker.cancel()
    await asyncio.gather(worker, return_exceptions=True)
    return processed, failed
