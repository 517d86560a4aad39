# Correct: fetch_limited as a sliding window: keep `limit` tasks running, start the next one as soon as any finishes (asyncio.wait FIRST_COMPLETED).
"""Topic 06: HTTP with aiohttp — many requests through one ClientSession."""

import asyncio

import aiohttp


async def _fetch(session, url):
    async with session.get(url) as response:
        return await response.text()


async def fetch_all(urls):
    """GET every URL at the same time through ONE aiohttp.ClientSession; return the bodies in order."""
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(_fetch(session, url)) for url in urls]
        return [await task for task in tasks]


async def fetch_statuses(urls):
    """Each URL's status code, or None where nobody answered; every response released."""

    async def status(session, url):
        try:
            async with session.get(url) as response:
                return response.status
        except aiohttp.ClientConnectionError:
            return None

    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(status(session, url)) for url in urls]
        return [await task for task in tasks]


async def fetch_limited(urls, limit):
    """Like fetch_all, but never more than `limit` requests in flight at once."""
    urls = list(urls)
    results = [None] * len(urls)
    waiting = iter(enumerate(urls))
    running = {}  # task -> index

    async with aiohttp.ClientSession() as session:

        def start_next():
            for index, url in waiting:
                running[asyncio.create_task(_fetch(session, url))] = index
                return

        for _ in range(limit):
            start_next()
        while running:
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                results[running.pop(task)] = task.result()
                start_next()
    return results
