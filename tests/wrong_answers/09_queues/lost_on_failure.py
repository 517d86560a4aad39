"""Lets a failure out of the consumer: the TaskGroup cancels everything else, and the other items are lost."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume():
        nonlocal processed
        while True:
            item = await queue.get()
            await process(item)
            processed += 1
            queue.task_done()

    async with asyncio.TaskGroup() as group:
        workers = [group.create_task(consume()) for _ in range(consumers)]
        await asyncio.gather(*(produce(source) for source in sources))
        await queue.join()
        for worker in workers:
            worker.cancel()
    return processed, []
