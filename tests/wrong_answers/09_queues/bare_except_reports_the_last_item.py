"""Consumers catch everything with a bare except: the CancelledError that stops them at shutdown reports their last item as failed."""

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
        item = None
        while True:
            try:
                item = await queue.get()
                await process(item)
                processed += 1
                queue.task_done()
            except:  # noqa: E722
                failed.append(item)
                queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.gather(*(produce(s) for s in sources))
    await queue.join()
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
