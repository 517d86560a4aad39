"""Awaits each request before sending the next one."""

import aiohttp


async def fetch_all(urls):
    bodies = []
    async with aiohttp.ClientSession() as session:
        for url in urls:
            async with session.get(url) as response:
                bodies.append(await response.text())
    return bodies


async def fetch_statuses(urls):
    statuses = []
    async with aiohttp.ClientSession() as session:
        for url in urls:
            try:
                async with session.get(url) as response:
                    statuses.append(response.status)
            except aiohttp.ClientConnectionError:
                statuses.append(None)
    return statuses


async def fetch_limited(urls, limit):
    return await fetch_all(urls)
