"""Treats HTTP error statuses as failures, and splits the URLs into fixed batches."""

import asyncio

import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))


async def fetch_statuses(urls):
    async with aiohttp.ClientSession(raise_for_status=True) as session:

        async def status(url):
            try:
                async with session.get(url) as response:
                    return response.status
            except aiohttp.ClientError:
                return None

        return await asyncio.gather(*(status(url) for url in urls))


async def fetch_limited(urls, limit):
    bodies = []
    for start in range(0, len(urls), limit):
        bodies += await fetch_all(urls[start : start + limit])
    return bodies
