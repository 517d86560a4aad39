"""Sentinels: once the producers are done, one None per consumer; each consumer stops at its own."""

import asyncio

STOP = None


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize=maxsize)
    failed = []
    done = []

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume():
        while True:
            item = await queue.get()
            if item is STOP:
                queue.task_done()
                return
            try:
                await process(item)
            except Exception:
                failed.append(item)
            else:
                done.append(item)
            queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.gather(*map(produce, sources))
    for _ in workers:
        await queue.put(STOP)
    await asyncio.gather(*workers)
    return len(done), failed
