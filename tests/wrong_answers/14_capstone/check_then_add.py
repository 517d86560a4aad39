"""Each task checks `seen` before fetching, and adds its URL after: a link found twice meanwhile is fetched twice."""

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
    slots = asyncio.Semaphore(max_in_flight)
    host_slots = {}
    seen = set()
    done = asyncio.Queue()
    tasks = set()

    async def fetch(session, url):
        host = host_of(url)
        if host not in host_slots:
            host_slots[host] = asyncio.Semaphore(per_host)
        async with host_slots[host]:
            async with slots:
                try:
                    async with asyncio.timeout(timeout):
                        async with session.get(url) as response:
                            return response.status, await response.text()
                except TimeoutError:
                    return None, ""

    async def visit(session, url):
        if url in seen:
            done.put_nowait(None)  # nothing to yield for this one
            return
        for k in range(retries + 1):
            if k:
                pause = backoff * 2 ** (k - 1)
                await asyncio.sleep(rng.uniform(pause, 2 * pause))
            status, body = await fetch(session, url)
            if status is not None and status < 500:
                break
        seen.add(url)
        links = links_in(body, url) if status == 200 else []
        done.put_nowait(Page(url, status, links))

    async with aiohttp.ClientSession() as session:

        def start(url):
            task = asyncio.create_task(visit(session, url))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        started, received = 1, 0
        start(start_url)
        try:
            while received < started:
                try:
                    async with asyncio.timeout_at(end):
                        page = await done.get()
                except TimeoutError:
                    return
                received += 1
                if page is None:
                    continue
                for link in page.links:
                    start(link)
                    started += 1
                yield page
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
