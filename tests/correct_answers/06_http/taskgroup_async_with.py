# Correct: aiohttp with asyncio.TaskGroup instead of gather, `async with session.get(...)` for every request.
"""Topic 06: HTTP with aiohttp — many requests through one ClientSession."""

import asyncio

import aiohttp


async def fetch_all(urls):
    """GET every URL at the same time through ONE aiohttp.ClientSession; return the bodies in order."""
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()

        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch(url)) for url in urls]
    return [t.result() for t in tasks]


async def fetch_statuses(urls):
    """Each URL's status code, or None where nobody answered; every response released."""
    async with aiohttp.ClientSession() as session:

        async def status_of(url):
            try:
                async with session.get(url) as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                return None

        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(status_of(url)) for url in urls]
    return [t.result() for t in tasks]


async def fetch_limited(urls, limit):
    """Like fetch_all, but never more than `limit` requests in flight at once."""
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with seats:
                async with session.get(url) as response:
                    return await response.text()

        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch(url)) for url in urls]
    return [t.result() for t in tasks]
