"""Joins the queue before waiting for the producers: join() returns at once, and the producers are cancelled unread."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

    async def produce(source):
        async for item in source:
            await queue.put(item)

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

    producers = [asyncio.create_task(produce(s)) for s in sources]
    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await queue.join()  # producers not awaited first
    for t in workers + producers:
        t.cancel()
    await asyncio.gather(*workers, *producers, return_exceptions=True)
    return processed, failed
