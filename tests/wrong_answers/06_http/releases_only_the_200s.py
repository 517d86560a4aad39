"""fetch_statuses releases a response only when it answered 200: a 404 or a 500 keeps its connection."""
import asyncio

import aiohttp


async def fetch_all(urls):
    """bodies"""
    async with aiohttp.ClientSession() as session:
        async def get(url):
            async with session.get(url) as r:
                return await r.text()
        return await asyncio.gather(*(get(u) for u in urls))


async def fetch_statuses(urls):
    """statuses"""
    async with aiohttp.ClientSession() as session:
        async def status(url):
            try:
                r = await session.get(url)
                if r.status == 200:
                    r.release()
                return r.status
            except aiohttp.ClientConnectionError:
                return None
        return await asyncio.gather(*(status(u) for u in urls))


async def fetch_limited(urls, limit):
    """limited"""
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:
        async def get(url):
            async with seats:
                async with session.get(url) as r:
                    return await r.text()
        return await asyncio.gather(*(get(u) for u in urls))
