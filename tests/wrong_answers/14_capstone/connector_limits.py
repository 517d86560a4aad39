"""The limits left to aiohttp's TCPConnector(limit, limit_per_host): a kept-alive connection to another host is reused without counting against `limit`."""

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import aiohttp


@dataclass
class Page:
    url: str
    status: int | None
    links: list[str] = field(default_factory=list)


def links_in(html: str, base_url: str) -> list[str]:
    found = (urldefrag(urljoin(base_url, href)).url for href in re.findall(r'href="([^"]*)"', html))
    return list(dict.fromkeys(found))


def host_of(url: str) -> str:
    return urlsplit(url).netloc


async def crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    connector = aiohttp.TCPConnector(limit=max_in_flight, limit_per_host=per_host)
    patience = aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)

    async with aiohttp.ClientSession(connector=connector, timeout=patience) as session:

        async def visit(url):
            for attempt in range(retries + 1):
                if attempt:
                    await asyncio.sleep(backoff * 2 ** (attempt - 1) * (1 + rng.random()))
                try:
                    async with session.get(url) as response:
                        status, html = response.status, await response.text()
                except asyncio.TimeoutError:
                    status, html = None, ""
                if status is not None and status < 500:
                    break
            return Page(url, status, links_in(html, url) if status == 200 else [])

        seen = {start_url}
        pending = {asyncio.create_task(visit(start_url))}
        try:
            while pending:
                done, pending = await asyncio.wait(pending, timeout=max(end - loop.time(), 0),
                                                   return_when=asyncio.FIRST_COMPLETED)
                if not done:
                    return
                for task in done:
                    page = task.result()
                    for link in page.links:
                        if link not in seen:
                            seen.add(link)
                            pending.add(asyncio.create_task(visit(link)))
                    yield page
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
