# Correct: a TaskGroup for the visits in a task of its own, under asyncio.timeout_at(end) (never around a yield); the generator reads a queue until a sentinel; limits in a small class.
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


DONE = object()  # put on the queue once the visits are over, or the deadline has stopped them


async def crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    limits = Limits(max_in_flight, per_host)
    results: asyncio.Queue = asyncio.Queue()

    async def visit(session, group, seen, url):
        status, html = await attempt(session, limits, url, timeout)
        k = 0
        while (status is None or status >= 500) and k < retries:
            await asyncio.sleep(backoff * 2**k * (1 + rng.random()))
            k += 1
            status, html = await attempt(session, limits, url, timeout)
        links = links_in(html, url) if status == 200 else []
        for link in links:
            if link not in seen:
                seen.append(link)
                group.create_task(visit(session, group, seen, link))
        results.put_nowait(Page(url, status, links))

    async def visits(session):
        # The deadline's timeout in a task of its own, around the visits only: around the generator's yields it
        # would cancel whatever task the caller runs in, while the caller is busy with a page.
        try:
            async with asyncio.timeout_at(end), asyncio.TaskGroup() as group:
                group.create_task(visit(session, group, [start_url], start_url))
        except TimeoutError:
            pass
        finally:
            results.put_nowait(DONE)

    async with aiohttp.ClientSession() as session:
        crawler = asyncio.create_task(visits(session))
        try:
            while loop.time() < end:  # a caller back after the deadline gets no more pages
                page = await results.get()
                if page is DONE:
                    break
                yield page
        finally:
            crawler.cancel()
            await asyncio.gather(crawler, return_exceptions=True)
