# Correct: one session created at the top and passed to small module-level helpers, with logging and type hints.
"""Topic 06: HTTP with aiohttp — many requests through one ClientSession."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import aiohttp

log = logging.getLogger(__name__)


async def get_text(session: aiohttp.ClientSession, url: str) -> str:
    log.debug("GET %s", url)
    async with session.get(url) as response:
        body = await response.text()
    log.info("GET %s -> %d (%d chars)", url, response.status, len(body))
    return body


async def get_status(session: aiohttp.ClientSession, url: str) -> int | None:
    try:
        async with session.request("GET", url) as response:
            log.info("GET %s -> %d", url, response.status)
            return response.status
    except aiohttp.ClientConnectionError as exc:
        log.warning("GET %s failed: %s", url, exc)
        return None


async def get_text_with_seat(
    session: aiohttp.ClientSession, seats: asyncio.Semaphore, url: str
) -> str:
    async with seats:
        return await get_text(session, url)


async def fetch_all(urls: Sequence[str]) -> list[str]:
    """GET every URL at the same time through ONE aiohttp.ClientSession; return the bodies in order."""
    async with aiohttp.ClientSession() as session:
        return list(await asyncio.gather(*(get_text(session, u) for u in urls)))


async def fetch_statuses(urls: Sequence[str]) -> list[int | None]:
    """Each URL's status code, or None where nobody answered; every response released."""
    async with aiohttp.ClientSession() as session:
        return list(await asyncio.gather(*(get_status(session, u) for u in urls)))


async def fetch_limited(urls: Sequence[str], limit: int) -> list[str]:
    """Like fetch_all, but never more than `limit` requests in flight at once."""
    seats = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:
        return list(await asyncio.gather(*(get_text_with_seat(session, seats, u) for u in urls)))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(asyncio.run(fetch_statuses(["https://example.com", "http://127.0.0.1:9/"])))
