"""crawl puts asyncio.timeout(deadline) around each wait for a page: the deadline starts again with every page."""

import asyncio
import random
import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import aiohttp


@dataclass
class Page:
    """What `crawl` yields for each URL it visited."""

    url: str
    status: int | None  # the status of the last attempt; None when the last attempt timed out
    links: list[str] = field(default_factory=list)  # from a page that answered 200 only; empty otherwise


def links_in(html: str, base_url: str) -> list[str]:
    """The links of a page, as absolute URLs without their #fragment, each once, in the order they appear."""
    found = (urldefrag(urljoin(base_url, href)).url for href in re.findall(r'href="([^"]*)"', html))
    return list(dict.fromkeys(found))


def host_of(url: str) -> str:
    """What `per_host` counts by: the URL's host and port, such as "127.0.0.1:8001"."""
    return urlsplit(url).netloc



async def crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    everyone = asyncio.Semaphore(max_in_flight)
    hosts = {}
    done = asyncio.Queue()
    seen = {start_url}
    tasks = set()

    async def attempt(session, url):
        host = hosts.setdefault(host_of(url), asyncio.Semaphore(per_host))
        async with host, everyone:
            async with asyncio.timeout(timeout):
                async with session.get(url) as response:
                    body = await response.text()
                    return response.status, body

    async def visit(session, url):
        status, links = None, []
        for k in range(retries + 1):
            if k:
                pause = backoff * 2 ** (k - 1)
                await asyncio.sleep(pause + rng.uniform(0, pause))
            try:
                status, body = await attempt(session, url)
            except TimeoutError:
                status = None
                continue
            if status < 500:
                if status == 200:
                    links = links_in(body, url)
                break
        await done.put(Page(url, status, links))

    def start(session, url):
        task = asyncio.create_task(visit(session, url))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async with aiohttp.ClientSession() as session:
        try:
            start(session, start_url)
            yielded = 0
            while yielded < len(seen):
                try:
                    async with asyncio.timeout(deadline):
                        page = await done.get()
                except TimeoutError:
                    return
                for link in page.links:
                    if link not in seen:
                        seen.add(link)
                        start(session, link)
                yielded += 1
                yield page
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
