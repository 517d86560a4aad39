"""Lets a connection error escape from one URL; collects bodies in the order they arrive."""

import asyncio

import aiohttp


async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with session.get(url) as response:
                return await response.text()

        return [await body for body in asyncio.as_completed([fetch(url) for url in urls])]


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:

        async def status(url):
            async with session.get(url) as response:
                return response.status

        return await asyncio.gather(*(status(url) for url in urls))


async def fetch_limited(urls, limit):
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:

        async def fetch(url):
            async with seats:
                async with session.get(url) as response:
                    return await response.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
