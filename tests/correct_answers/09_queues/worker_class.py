"""A class holding the queue and the tallies; `while True` consumers with try/finally task_done()."""

import asyncio
import contextlib


class Pipeline:
    def __init__(self, process, maxsize):
        self.queue = asyncio.Queue(maxsize)
        self.process = process
        self.processed = 0
        self.failed = []

    async def produce(self, source):
        async for item in source:
            await self.queue.put(item)

    async def consume(self):
        while True:
            item = await self.queue.get()
            try:
                await self.process(item)
            except Exception:
                self.failed.append(item)
                continue
            finally:
                self.queue.task_done()
            self.processed += 1


async def run_pipeline(sources, process, consumers, maxsize):
    pipeline = Pipeline(process, maxsize)
    workers = [asyncio.create_task(pipeline.consume()) for _ in range(consumers)]
    try:
        await asyncio.gather(*(pipeline.produce(s) for s in sources))
        await pipeline.queue.join()
    finally:
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
    return pipeline.processed, pipeline.failed
