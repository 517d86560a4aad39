"""Topic 06, wrong: fetch_all and fetch_limited return '' for a page that answered 404 or 500, not its body."""

import asyncio
import aiohttp


async def _get(session, url):
    async with session.get(url) as r:
        if not r.ok:
            return ""
        return await r.text()


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(_get(session, u) for u in urls))


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:
        async def one(url):
            try:
                async with session.get(url) as r:
                    return r.status
            except aiohttp.ClientConnectionError:
                return None
        return await asyncio.gather(*(one(u) for u in urls))


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:
        async def one(u):
            async with seats:
                return await _get(session, u)
        return await asyncio.gather(*(one(u) for u in urls))
