"""Does not parse."""

async def gather_all(jobs)
    return await asyncio.gather(*jobs)
