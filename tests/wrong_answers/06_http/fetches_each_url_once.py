"""Topic 06, wrong: fetch_all fetches each distinct URL once and copies its body to the URL's other places."""

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


async def _text(session, url):
    async with session.get(url) as r:
        return await r.text()


async def fetch_all(urls):
    unique = list(dict.fromkeys(urls))
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(_text(session, u) for u in unique))
    by_url = dict(zip(unique, bodies))
    return [by_url[u] for u in urls]

async def fetch_limited(urls, limit):
    sem = asyncio.Semaphore(limit)

    async def one(session, url):
        async with sem:
            return await _text(session, url)

    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(one(session, u) for u in urls))


