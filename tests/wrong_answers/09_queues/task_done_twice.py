"""Calls task_done() in `else:` and again in `finally:`: twice for every item processed without error."""

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
        while True:
            item = await queue.get()
            try:
                await process(item)
            except Exception:
                failed.append(item)
            else:
                processed += 1
                queue.task_done()
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
