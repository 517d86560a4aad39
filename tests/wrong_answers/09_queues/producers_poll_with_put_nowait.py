"""Producers retry put_nowait() after a short sleep while the queue is full, instead of awaiting put()."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

    async def produce(source):
        async for item in source:
            while True:
                try:
                    queue.put_nowait(item)
                    break
                except asyncio.QueueFull:
                    await asyncio.sleep(0.01)  # retry a bit later

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

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.gather(*(produce(s) for s in sources))
    await queue.join()
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
