"""Topic 09, wrong: the counts live at module level and are never reset, so a second call reports the first's too."""

import asyncio

processed = 0
failed = []


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume():
        global processed
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
