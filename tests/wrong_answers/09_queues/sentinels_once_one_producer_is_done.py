"""Puts one sentinel per consumer as soon as the FIRST producer is done, then cancels the other producers:
the items the other producers had still to read or put are lost."""

import asyncio

STOP = object()


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    failed = []

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume():
        done = 0
        while True:
            item = await queue.get()
            if item is STOP:
                queue.task_done()
                return done
            try:
                await process(item)
            except Exception:
                failed.append(item)
            else:
                done += 1
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consume()) for _ in range(consumers)]
    producers = [asyncio.create_task(produce(source)) for source in sources]
    await asyncio.wait(producers, return_when=asyncio.FIRST_COMPLETED)  # only the first producer
    for _ in workers:
        await queue.put(STOP)
    counts = await asyncio.gather(*workers)
    for producer in producers:
        producer.cancel()
    await asyncio.gather(*producers, return_exceptions=True)
    return sum(counts), failed
