"""Topic 06, wrong: fetch_limited shares one request among the entries of a URL listed twice."""

import asyncio
import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:
        async def one(url):
            async with session.get(url) as r:
                return await r.text()
        return await asyncio.gather(*(one(u) for u in urls))


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
    inflight = {}
    async with aiohttp.ClientSession() as session:
        async def get(url):
            async with seats:
                async with session.get(url) as r:
                    return await r.text()

        def one(url):
            if url not in inflight:
                inflight[url] = asyncio.ensure_future(get(url))
            return inflight[url]
        return await asyncio.gather(*(one(u) for u in urls))
