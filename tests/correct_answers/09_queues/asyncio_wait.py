"""Tasks waited for with asyncio.wait: producers first, then the queue, then the cancelled consumers."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    outcomes = []

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume():
        while True:
            item = await queue.get()
            try:
                await process(item)
            except Exception:
                outcomes.append((item, False))
            else:
                outcomes.append((item, True))
            queue.task_done()

    workers = {asyncio.create_task(consume(), name=f"consumer {i}") for i in range(consumers)}
    producers = {asyncio.create_task(produce(source)) for source in sources}
    await asyncio.wait(producers)
    joined = asyncio.create_task(queue.join())
    await asyncio.wait({joined})
    for worker in workers:
        worker.cancel()
    await asyncio.wait(workers)
    return sum(ok for _, ok in outcomes), [item for item, ok in outcomes if not ok]
