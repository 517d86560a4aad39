"""Topic 09, wrong: joins the queue a moment after starting the producers, without waiting for them to finish.

join() returns as soon as the queue runs empty, which happens while a producer pauses with items still to come.
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
            item = await queue.get()
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)
            finally:
                queue.task_done()

    producers = [asyncio.create_task(produce(source)) for source in sources]
    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    await asyncio.sleep(0.5)  # "the producers have filled the queue by now"
    await queue.join()
    for task in producers + workers:
        task.cancel()
    await asyncio.gather(*producers, *workers, return_exceptions=True)
    return processed, failed
