"""Breadth-first by levels: each level's fetches gathered, and the next level started only when the slowest is done."""

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
    end = asyncio.get_running_loop().time() + deadline
    slots = asyncio.Semaphore(max_in_flight)
    host_slots = {}

    async def visit(session, url):
        host = host_of(url)
        host_slots.setdefault(host, asyncio.Semaphore(per_host))
        for k in range(retries + 1):
            if k:
                pause = backoff * 2 ** (k - 1)
                await asyncio.sleep(pause + rng.uniform(0, pause))
            async with host_slots[host], slots:
                try:
                    async with asyncio.timeout(timeout):
                        async with session.get(url) as response:
                            status, body = response.status, await response.text()
                except TimeoutError:
                    status, body = None, ""
            if status is not None and status < 500:
                break
        return Page(url, status, links_in(body, url) if status == 200 else [])

    seen = {start_url}
    level = [start_url]
    async with aiohttp.ClientSession() as session:
        while level:
            try:
                async with asyncio.timeout_at(end):
                    pages = await asyncio.gather(*(visit(session, url) for url in level))
            except TimeoutError:
                return
            level = []
            for page in pages:
                for link in page.links:
                    if link not in seen:
                        seen.add(link)
                        level.append(link)
                yield page
