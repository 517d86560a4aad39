"""Opens a new ClientSession for every request."""

import asyncio

import aiohttp


async def fetch(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return await response.text()


async def fetch_all(urls):
    return await asyncio.gather(*(fetch(url) for url in urls))


async def fetch_statuses(urls):
    async def status(url):
        try:
            async with aiohttp.ClientSession() as session:
                async with session.get(url) as response:
                    return response.status
        except aiohttp.ClientConnectionError:
            return None

    return await asyncio.gather(*(status(url) for url in urls))


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)

    async def limited(url):
        async with seats:
            return await fetch(url)

    return await asyncio.gather(*(limited(url) for url in urls))
