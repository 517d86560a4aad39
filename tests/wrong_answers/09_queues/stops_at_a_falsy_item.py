"""Topic 09, wrong: consumers stop at the first item that is false as a truth value (if not item: break), an item 0 included."""

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
            item = await queue.get()
            if not item:
                queue.task_done()
                return
            try:
                await process(item)
            except Exception:
                failed.append(item)
            else:
                processed += 1
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.gather(*(produce(s) for s in sources))
    await queue.join()
    for _ in workers:
        await queue.put(None)
    await asyncio.gather(*workers)
    return processed, failed
