"""Topic 06, wrong: fetch_all stores each body at urls.index(url), so a URL listed twice leaves its second place None."""

import asyncio
import functools

import aiohttp




async def fetch_statuses(urls):
    async def st(session, url):
        try:
            async with session.get(url) as r:
                return r.status
        except aiohttp.ClientConnectionError:
            return None

    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(st(session, u) for u in urls))


async def _pair(session, url):
    async with session.get(url) as r:
        return url, await r.text()


async def fetch_all(urls):
    results = [None] * len(urls)
    async with aiohttp.ClientSession() as session:
        for fut in asyncio.as_completed([_pair(session, u) for u in urls]):
            url, body = await fut
            results[urls.index(url)] = body
    return results


async def _text(session, url):
    async with session.get(url) as r:
        return await r.text()

async def fetch_limited(urls, limit):
    sem = asyncio.Semaphore(limit)

    async def one(session, url):
        async with sem:
            return await _text(session, url)

    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(one(session, u) for u in urls))


