import asyncio


async def gather_all():
    return []
