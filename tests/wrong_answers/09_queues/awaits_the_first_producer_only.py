"""Topic 09, wrong: only the first producer is awaited before join(), so join() returns while another source still has items to come."""

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

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    producers = [asyncio.create_task(produce(source)) for source in sources]
    await producers[0]
    await queue.join()
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
