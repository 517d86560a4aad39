"""Topic 06, wrong: fetch_statuses gives up on each request after 0.5 s, so every URL comes back None."""

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
                async with asyncio.timeout(0.5):  # surely long enough for any server
                    async with session.get(url) as response:
                        return response.status
            except (aiohttp.ClientConnectionError, TimeoutError):
                return None

        return await asyncio.gather(*(status(url) for url in urls))


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with seats, session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
