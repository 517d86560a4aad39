"""Topic 09, wrong: one list of failed items at module level, cleared at each call and returned itself, so the second call rewrites the first call's report."""

import asyncio

failed = []


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    processed = 0
    failed.clear()

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
    await asyncio.gather(*(produce(source) for source in sources))
    await queue.join()
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
