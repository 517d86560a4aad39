"""fetch_all waits with asyncio.wait and reads the bodies in the order of its `done` set, which is no order of the
URLs."""
import asyncio

import aiohttp


async def _fetch(session, url):
    async with session.get(url) as response:
        return await response.text()


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(_fetch(session, url)) for url in urls]
        if not tasks:
            return []
        done, _ = await asyncio.wait(tasks)
        return [t.result() for t in done]


async def _status(session, url):
    try:
        async with session.get(url) as response:
            return response.status
    except aiohttp.ClientConnectionError:
        return None


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(_status(session, url) for url in urls))


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)

    async def fetch(session, url):
        async with seats:
            async with session.get(url) as response:
                return await response.text()

    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(fetch(session, url) for url in urls))


if __name__ == "__main__":
    print(asyncio.run(fetch_statuses(["http://127.0.0.1:1/nothing"])))
