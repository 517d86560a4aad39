"""Queue.shutdown() (Python 3.13+) ends the consumers once the queue is joined; sentinels before 3.13."""

import asyncio
import sys

SHUTDOWN = sys.version_info >= (3, 13)


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
            except asyncio.QueueShutDown if SHUTDOWN else ():
                return
            if item is None:
                queue.task_done()
                return
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)
            finally:
                queue.task_done()

    async with asyncio.TaskGroup() as group:
        for _ in range(consumers):
            group.create_task(consume())
        await asyncio.gather(*(produce(source) for source in sources))
        await queue.join()
        if SHUTDOWN:
            queue.shutdown()
        else:
            for _ in range(consumers):
                await queue.put(None)
    return processed, failed
