"""Topic 06, wrong: fetch_all pauses 0.2 s after starting each request, and fetch_statuses delays each request by
0.05 s more than the one before ("to be gentle"), so the requests do not all go out at the same moment."""

import asyncio

import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()

        tasks = []
        for url in urls:
            tasks.append(asyncio.create_task(fetch(url)))
            await asyncio.sleep(0.2)
        return await asyncio.gather(*tasks)


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:

        async def status(i, url):
            await asyncio.sleep(0.05 * i)  # spread the load
            try:
                async with session.get(url) as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                return None

        return await asyncio.gather(*(status(i, url) for i, url in enumerate(urls)))


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with seats, session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
