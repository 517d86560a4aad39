"""fetch_statuses collects the statuses with as_completed: in the order the responses arrive, not the order of the URLs."""
import asyncio
import aiohttp


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:
        async def status(url):
            try:
                async with session.get(url) as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                return None
        return [await f for f in asyncio.as_completed([status(u) for u in urls])]



async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:
        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()
        return await asyncio.gather(*(fetch(u) for u in urls))

async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:
        async def fetch(url):
            async with seats:
                async with session.get(url) as response:
                    return await response.text()
        return await asyncio.gather(*(fetch(u) for u in urls))
