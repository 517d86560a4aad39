"""fetch_statuses catches every error around the whole gather and returns None (not a list) from the except."""

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
            async with session.get(url) as response:
                return response.status

        try:
            return await asyncio.gather(*(status(url) for url in urls))
        except aiohttp.ClientConnectionError:
            return None


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with seats, session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
