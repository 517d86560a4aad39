"""Polls the queue with get_nowait() in a `while` loop that never awaits while it is empty."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []
    finished = False

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume():
        nonlocal processed
        while True:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                if finished:
                    return
                continue
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.gather(*(produce(source) for source in sources))
    finished = True
    await asyncio.gather(*workers)
    return processed, failed
