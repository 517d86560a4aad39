"""fetch_limited reads each body with one `response.content.read(n)`: what has arrived so far, the first part only."""
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
                async with session.get(url) as r:
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
                    chunk = await r.content.readany()
                    return chunk.decode(r.get_encoding())
        return await asyncio.gather(*(get(u) for u in urls))
