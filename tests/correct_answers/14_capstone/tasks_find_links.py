# Correct: the fetching tasks themselves claim new links (check and add in one step) and start their tasks; the generator only hands pages on, with asyncio.wait_for for the deadline.
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


class Crawler:
    def __init__(self, session, max_in_flight, per_host, retries, backoff, timeout, rng):
        self.session = session
        self.slots = asyncio.Semaphore(max_in_flight)
        self.per_host = per_host
        self.host_slots = {}
        self.retries, self.backoff, self.timeout, self.rng = retries, backoff, timeout, rng
        self.seen = set()
        self.running = set()
        self.pages = asyncio.Queue()

    def claim(self, url):
        """Start a visit of `url` unless one was started already: no await between the check and the add."""
        if url in self.seen:
            return
        self.seen.add(url)
        task = asyncio.create_task(self.visit(url))
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    async def once(self, url):
        host = self.host_slots.setdefault(host_of(url), asyncio.Semaphore(self.per_host))
        async with host, self.slots:
            try:
                async with asyncio.timeout(self.timeout):
                    async with self.session.get(url) as response:
                        return response.status, await response.text()
            except TimeoutError:
                return None, ""

    async def visit(self, url):
        for k in range(1, self.retries + 2):
            status, html = await self.once(url)
            if status is not None and status < 500 or k > self.retries:
                break
            pause = self.backoff * 2 ** (k - 1)
            await asyncio.sleep(pause * (1 + self.rng.random()))
        links = links_in(html, url) if status == 200 else []
        for link in links:
            self.claim(link)
        self.pages.put_nowait(Page(url, status, links))

    def halt(self):
        for task in list(self.running):
            task.cancel()

    async def stop(self):
        tasks = list(self.running)
        self.halt()
        await asyncio.gather(*tasks, return_exceptions=True)


async def crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    async with aiohttp.ClientSession() as session:
        crawler = Crawler(session, max_in_flight, per_host, retries, backoff, timeout, rng)
        crawler.claim(start_url)
        handed = 0
        timer = loop.call_at(end, crawler.halt)  # even while the caller is busy with a page
        try:
            while handed < len(crawler.seen):
                try:
                    page = await asyncio.wait_for(crawler.pages.get(), end - loop.time())
                except asyncio.TimeoutError:
                    return
                handed += 1
                yield page
        finally:
            timer.cancel()
            await crawler.stop()
