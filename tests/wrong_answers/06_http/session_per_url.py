"""fetch_all shares a session, but fetch_statuses and fetch_limited open one per URL."""

import asyncio

import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))


async def status(url):
    try:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return response.status
    except aiohttp.ClientConnectionError:
        return None


async def fetch_statuses(urls):
    return await asyncio.gather(*(status(url) for url in urls))


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)

    async def fetch(url):
        async with seats, aiohttp.ClientSession() as session, session.get(url) as response:
            return await response.text()

    return await asyncio.gather(*(fetch(url) for url in urls))
