# Correct: `response = await session.get(url)` with an explicit release() in finally, instead of `async with`.
"""Topic 06: HTTP with aiohttp — many requests through one ClientSession."""

import asyncio

import aiohttp


async def _body(session, url):
    response = await session.get(url)
    try:
        return await response.text()
    finally:
        response.release()


async def fetch_all(urls):
    """GET every URL at the same time through ONE aiohttp.ClientSession; return the bodies in order."""
    session = aiohttp.ClientSession()
    try:
        return await asyncio.gather(*[_body(session, url) for url in urls])
    finally:
        await session.close()


async def _status(session, url):
    try:
        response = await session.get(url)
    except aiohttp.ClientConnectionError:
        return None
    try:
        return response.status
    finally:
        response.release()  # body not needed: give the connection back now


async def fetch_statuses(urls):
    """Each URL's status code, or None where nobody answered; every response released."""
    session = aiohttp.ClientSession()
    try:
        return await asyncio.gather(*[_status(session, url) for url in urls])
    finally:
        await session.close()


async def fetch_limited(urls, limit):
    """Like fetch_all, but never more than `limit` requests in flight at once."""
    semaphore = asyncio.Semaphore(limit)
    session = aiohttp.ClientSession()

    async def limited(url):
        await semaphore.acquire()
        try:
            return await _body(session, url)
        finally:
            semaphore.release()

    try:
        return await asyncio.gather(*[limited(url) for url in urls])
    finally:
        await session.close()
