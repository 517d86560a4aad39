"""Topic 06, wrong: fetch_limited's asyncio.wait(FIRST_COMPLETED) loop starts one new request per wake-up, even when several ended at that moment: the other freed seats stay idle."""

import asyncio

import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:
        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:
        async def status(url):
            try:
                async with session.get(url) as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                return None

        return await asyncio.gather(*(status(url) for url in urls))


async def fetch_limited(urls, limit):
    results = [None] * len(urls)
    waiting = list(enumerate(urls))
    async with aiohttp.ClientSession() as session:
        async def fetch(index, url):
            async with session.get(url) as response:
                results[index] = await response.text()

        running = {asyncio.create_task(fetch(*waiting.pop(0))) for _ in range(min(limit, len(waiting)))}
        while running:
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            if waiting:  # one new request, however many ended
                running.add(asyncio.create_task(fetch(*waiting.pop(0))))
    return results
