"""Awaits queue.join() right after starting the producers, then the producers: join() returns the first time the
queue is empty, and the items put after that are never waited for before the consumers are cancelled."""
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
            else:
                processed += 1
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    try:
        producers = [asyncio.create_task(produce(s)) for s in sources]
        await asyncio.sleep(0)
        await queue.join()
        await asyncio.gather(*producers)
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return processed, failed
