"""Each producer puts a None as soon as it is done: a consumer stops while other producers still have items."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed = []

    async def produce(source):
        async for item in source:
            await queue.put(item)
        await queue.put(None)  # one sentinel per producer

    async def consume():
        nonlocal processed
        while True:
            item = await queue.get()
            try:
                if item is None:
                    return
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.gather(*(produce(s) for s in sources))
    await queue.join()
    await asyncio.gather(*workers)
    return processed, failed
