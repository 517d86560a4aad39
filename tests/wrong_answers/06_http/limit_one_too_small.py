"""Topic 06, wrong: fetch_limited keeps a seat spare, `asyncio.Semaphore(limit - 1)`: one request fewer than the limit is ever in flight."""

import asyncio

import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:
        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:
        async def status(url):
            try:
                async with session.get(url) as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                return None

        return await asyncio.gather(*(status(url) for url in urls))


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(max(1, limit - 1))  # one spare, to be safe
    async with aiohttp.ClientSession() as session:
        async def fetch(url):
            async with seats:
                async with session.get(url) as response:
                    return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
