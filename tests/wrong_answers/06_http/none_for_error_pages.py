"""Topic 06, wrong: fetch_limited gives None instead of the body of a page that answered 404 or 500."""

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
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with seats, session.get(url) as response:
                if not response.ok:
                    return None
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
