"""Each producer puts one None when it is done: a sentinel per producer, not per consumer."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

    async def produce(source):
        async for item in source:
            await queue.put(item)
        await queue.put(None)

    async def consume():
        nonlocal processed
        while (item := await queue.get()) is not None:
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)

    await asyncio.gather(*(produce(source) for source in sources), *(consume() for _ in range(consumers)))
    return processed, failed
