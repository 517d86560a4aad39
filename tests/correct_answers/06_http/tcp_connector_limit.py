# Correct: fetch_limited caps requests with aiohttp.TCPConnector(limit=...) on the one session, all requests started at once.
"""Topic 06: HTTP with aiohttp — many requests through one ClientSession."""

import asyncio

import aiohttp


async def _text(session, url):
    async with session.get(url) as response:
        return await response.text()


async def fetch_all(urls):
    """GET every URL at the same time through ONE aiohttp.ClientSession; return the bodies in order."""
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(_text(session, url) for url in urls))


async def fetch_statuses(urls):
    """Each URL's status code, or None where nobody answered; every response released."""

    async def status(session, url):
        try:
            async with session.get(url) as response:
                return response.status
        except aiohttp.ClientConnectionError:
            return None

    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(status(session, url) for url in urls))


async def fetch_limited(urls, limit):
    """Like fetch_all, but never more than `limit` requests in flight at once."""
    # The connector's pool holds at most `limit` connections; a request waits for a free one.
    connector = aiohttp.TCPConnector(limit=limit)
    async with aiohttp.ClientSession(connector=connector) as session:
        return await asyncio.gather(*(_text(session, url) for url in urls))
