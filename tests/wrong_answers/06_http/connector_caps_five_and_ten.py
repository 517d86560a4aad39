"""Topic 06, wrong: fetch_all's connector opens at most 5 connections and fetch_statuses' at most 10 per host, so
with more URLs than that the rest wait for a free connection instead of all going at once."""

import asyncio

import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=5)) as session:

        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))


async def fetch_statuses(urls):
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit_per_host=10)) as session:

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
