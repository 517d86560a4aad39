"""Topic 09, wrong: after a failed item a consumer sleeps a second before it takes the next, idle while items wait."""

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
            except Exception:
                failed.append(item)
                queue.task_done()
                await asyncio.sleep(1)  # back off after an error
                continue
            processed += 1
            queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    try:
        await asyncio.gather(*(produce(s) for s in sources))
        await queue.join()
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
