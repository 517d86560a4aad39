import asyncio


async def gather_everything(jobs):
    return await asyncio.gather(*(job() for job in jobs))
