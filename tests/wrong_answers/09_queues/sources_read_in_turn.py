"""One producer reads the sources one after another instead of one producer per source."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

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
    for source in sources:  # one producer, reading the sources one after another
        async for item in source:
            await queue.put(item)
    await queue.join()
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
