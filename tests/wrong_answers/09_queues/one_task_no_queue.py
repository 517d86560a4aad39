"""No queue and no consumer tasks: reads each source and processes each item in turn."""


async def run_pipeline(sources, process, consumers, maxsize):
    processed = 0
    failed = []
    for source in sources:
        async for item in source:
            try:
                await process(item)
                processed += 1
            except Exception:
                failed.append(item)
    return processed, failed
