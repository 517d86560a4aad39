"""Topic 09, wrong: no join(); each consumer returns once no item has come for a second.

Every call then ends a second after the last item, and a source that pauses longer loses its last items.
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
                item = await asyncio.wait_for(queue.get(), timeout=1)
            except asyncio.TimeoutError:
                return  # nothing for a second: the work must be over
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.gather(*(produce(source) for source in sources))
    await asyncio.gather(*workers)
    return processed, failed
