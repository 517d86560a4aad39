"""Topic 09, wrong: each consumer returns once get() has waited half a second for an item (wait_for timeout).

While a source pauses the queue runs empty: every consumer gives up, and join() waits forever for the last items.
"""

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
                item = await asyncio.wait_for(queue.get(), 0.5)
            except TimeoutError:
                return  # nothing for half a second: the work must be over
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.gather(*(produce(source) for source in sources))
    await queue.join()
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
