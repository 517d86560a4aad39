"""Uses the synchronous urllib inside the coroutines, which blocks the event loop."""

import asyncio
import urllib.error
import urllib.request


async def fetch(url):
    with urllib.request.urlopen(url) as response:
        return response.read().decode()


async def fetch_all(urls):
    return await asyncio.gather(*(fetch(url) for url in urls))


async def fetch_statuses(urls):
    async def status(url):
        try:
            with urllib.request.urlopen(url) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except urllib.error.URLError:
            return None

    return await asyncio.gather(*(status(url) for url in urls))


async def fetch_limited(urls, limit):
    return await fetch_all(urls)
