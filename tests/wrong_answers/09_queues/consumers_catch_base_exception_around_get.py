"""Topic 09, wrong: `except BaseException: continue` around queue.get() swallows the shutdown's CancelledError, so the cancelled consumers go back to waiting and the call never returns."""

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
            try:
                item = await queue.get()
            except BaseException:
                continue
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
