# Correct: gather(return_exceptions=True), connection errors mapped to None afterwards, other errors re-raised.
"""Topic 06: HTTP with aiohttp — many requests through one ClientSession."""

import asyncio

import aiohttp


async def fetch_all(urls):
    """GET every URL at the same time through ONE aiohttp.ClientSession; return the bodies in order."""
    async with aiohttp.ClientSession() as session:

        async def one(url):
            async with session.get(url) as resp:
                return await resp.text()

        return await asyncio.gather(*map(one, urls))


async def fetch_statuses(urls):
    """Each URL's status code, or None where nobody answered; every response released."""
    async with aiohttp.ClientSession() as session:

        async def one(url):
            async with session.get(url) as resp:
                return resp.status

        outcomes = await asyncio.gather(*map(one, urls), return_exceptions=True)

    statuses = []
    for outcome in outcomes:
        if isinstance(outcome, aiohttp.ClientConnectionError):
            statuses.append(None)
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            statuses.append(outcome)
    return statuses


async def fetch_limited(urls, limit):
    """Like fetch_all, but never more than `limit` requests in flight at once."""
    seats = asyncio.BoundedSemaphore(limit)
    async with aiohttp.ClientSession() as session:

        async def one(url):
            async with seats, session.get(url) as resp:
                return await resp.text()

        return await asyncio.gather(*map(one, urls))
