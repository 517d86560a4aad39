"""fetch_limited pauses half a second inside the semaphore after each request, to be polite: the seat stays taken while nothing is in flight."""

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
            async with seats:
                async with session.get(url) as response:
                    body = await response.text()
                await asyncio.sleep(0.5)  # be nice to the server
                return body

        return await asyncio.gather(*(fetch(url) for url in urls))
