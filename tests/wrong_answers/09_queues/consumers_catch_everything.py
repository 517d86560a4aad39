"""Consumers catch everything around queue.get(), the shutdown's CancelledError and GeneratorExit included, and go back to waiting: nothing can stop them."""

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
            try:
                item = await queue.get()
            except:  # noqa: E722  -- "a consumer must not die"
                continue
            try:
                await process(item)
                processed += 1
            except:  # noqa: E722
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
