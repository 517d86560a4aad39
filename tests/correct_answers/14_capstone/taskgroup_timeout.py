# Correct: a TaskGroup for the visits, asyncio.timeout(deadline) around the whole loop (yields included), limits in a small class.
"""Topic 14: a polite crawler."""

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


class Limits:
    """At most `total` requests at once, and at most `each` per host."""

    def __init__(self, total: int, each: int) -> None:
        self.total = asyncio.Semaphore(total)
        self.each = each
        self.hosts: dict[str, asyncio.Semaphore] = {}

    def host(self, url: str) -> asyncio.Semaphore:
        return self.hosts.setdefault(host_of(url), asyncio.Semaphore(self.each))


async def attempt(session: aiohttp.ClientSession, limits: Limits, url: str, timeout: float) -> tuple[int | None, str]:
    async with limits.host(url):
        async with limits.total:
            try:
                async with asyncio.timeout(timeout):
                    async with session.get(url) as response:
                        return response.status, await response.text()
            except TimeoutError:
                return None, ""


async def crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng):
    limits = Limits(max_in_flight, per_host)
    results: asyncio.Queue[Page] = asyncio.Queue()
    children: list[asyncio.Task] = []

    async def visit(session, url):
        status, html = await attempt(session, limits, url, timeout)
        k = 0
        while (status is None or status >= 500) and k < retries:
            await asyncio.sleep(backoff * 2**k * (1 + rng.random()))
            k += 1
            status, html = await attempt(session, limits, url, timeout)
        await results.put(Page(url, status, links_in(html, url) if status == 200 else []))

    try:
        async with asyncio.timeout(deadline):
            async with aiohttp.ClientSession() as session, asyncio.TaskGroup() as group:
                try:
                    seen = [start_url]
                    children.append(group.create_task(visit(session, start_url)))
                    for _ in iter(int, 1):
                        if len(seen) == sum(1 for c in children if c.done()) and results.empty():
                            break
                        page = await results.get()
                        for link in page.links:
                            if link not in seen:
                                seen.append(link)
                                children.append(group.create_task(visit(session, link)))
                        yield page
                finally:
                    for child in children:
                        child.cancel()
    except TimeoutError:
        return
