"""Topic 06: HTTP with aiohttp — many requests through one ClientSession.

Each function receives `urls`, a list of strings such as "http://127.0.0.1:8765/page3".
The graders serve them from a real web server on your own machine, each page after a delay.

Fill in the TODOs, then check your work with:

    pytest exercises/06_http

Read README.md in this folder first.
"""

import asyncio

import aiohttp


async def fetch_all(urls):
    """GET every URL at the same time through ONE aiohttp.ClientSession; return the bodies
    (text) in the order of `urls`.
    """
    # TODO: async with aiohttp.ClientSession() as session: ... asyncio.gather(...)
    raise NotImplementedError("fetch_all")


async def fetch_statuses(urls):
    """GET every URL at the same time through one session; return, in the order of `urls`,
    each response's status code (200, 404, 500, ...), or None for a URL that could not be
    reached at all (aiohttp.ClientConnectionError). You do not need the bodies: release
    each response without reading it.
    """
    # TODO: async with session.get(url) as response: ...; catch aiohttp.ClientConnectionError.
    raise NotImplementedError("fetch_statuses")


async def fetch_limited(urls, limit):
    """Like fetch_all, but never more than `limit` requests in flight at once, and never
    fewer while some URL is still waiting for its turn.
    """
    # TODO: an asyncio.Semaphore(limit) around each request.
    raise NotImplementedError("fetch_limited")
