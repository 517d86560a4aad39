"""Topic 06, wrong: fetch_all's session raises for a 404 or a 500 (raise_for_status=True), so one error page spoils the call."""

import asyncio

import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession(raise_for_status=True) as session:

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
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
