"""A TaskGroup for everything; after join() the consumers are cancelled, and the group waits for them."""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    queue = asyncio.Queue(maxsize)
    report = {"processed": 0, "failed": []}

    async def produce(source):
        async for item in source:
            await queue.put(item)

    async def consume():
        while True:
            item = await queue.get()
            try:
                await process(item)
                report["processed"] += 1
            except Exception:
                report["failed"].append(item)
            finally:
                queue.task_done()

    async with asyncio.TaskGroup() as group:
        workers = [group.create_task(consume()) for _ in range(consumers)]
        async with asyncio.TaskGroup() as producers:
            for source in sources:
                producers.create_task(produce(source))
        await queue.join()
        for worker in workers:
            worker.cancel()
    return report["processed"], report["failed"]
