"""Reads the body after the `async with session.get(...)` block has released the response."""

import asyncio
import aiohttp

async def _text(session, url):
    async with session.get(url) as resp:
        return await resp.text()

async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:
        async def one(u):
            async with session.get(u) as resp:
                pass
            return await resp.text()
        return await asyncio.gather(*(one(u) for u in urls))

async def fetch_statuses(urls):
    async def status(session, url):
        try:
            async with session.get(url) as resp:
                return resp.status
        except aiohttp.ClientConnectionError:
            return None
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(status(session, u) for u in urls))

async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:
        async def one(url):
            async with seats:
                return await _text(session, url)
        return await asyncio.gather(*(one(u) for u in urls))
