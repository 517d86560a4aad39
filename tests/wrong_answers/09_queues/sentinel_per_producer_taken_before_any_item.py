"""Topic 09, wrong: each producer puts a None when its source is done, so a consumer can stop before any item.

The source that ends first puts its None while the consumers all wait: one of them takes it and stops at once.
"""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

    async def produce(source):
        async for item in source:
            await queue.put(item)
        await queue.put(None)  # this producer is done

    async def consume():
        nonlocal processed
        while (item := await queue.get()) is not None:
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)
            finally:
                queue.task_done()
        queue.task_done()

    async with asyncio.TaskGroup() as group:
        for _ in range(consumers):
            group.create_task(consume())
        for source in sources:
            group.create_task(produce(source))
    return processed, failed
