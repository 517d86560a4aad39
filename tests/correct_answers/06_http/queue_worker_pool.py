# Correct: fetch_limited as a pool of `limit` workers draining an asyncio.Queue of (index, url).
"""Topic 06: HTTP with aiohttp — many requests through one ClientSession."""

import asyncio

import aiohttp


async def _get_text(session, url):
    async with session.get(url) as response:
        return await response.text()


async def fetch_all(urls):
    """GET every URL at the same time through ONE aiohttp.ClientSession; return the bodies in order."""
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*[_get_text(session, url) for url in urls])


async def _get_status(session, url):
    try:
        async with session.get(url) as response:
            return response.status
    except aiohttp.ClientConnectionError:
        return None


async def fetch_statuses(urls):
    """Each URL's status code, or None where nobody answered; every response released."""
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*[_get_status(session, url) for url in urls])


async def fetch_limited(urls, limit):
    """Like fetch_all, but never more than `limit` requests in flight at once."""
    urls = list(urls)
    results = [None] * len(urls)
    queue = asyncio.Queue()
    for index, url in enumerate(urls):
        queue.put_nowait((index, url))

    async def worker(session):
        while True:
            try:
                index, url = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            results[index] = await _get_text(session, url)

    async with aiohttp.ClientSession() as session:
        workers = [asyncio.create_task(worker(session)) for _ in range(min(limit, len(urls)))]
        await asyncio.gather(*workers)
    return results
