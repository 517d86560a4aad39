# Correct: one producer task crawls with a nested TaskGroup (each visit starts its links' visits); the generator reads a queue until a sentinel, asyncio.wait giving the deadline.
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


DONE = object()  # put on the queue once every visit is over


async def crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    everyone = asyncio.Semaphore(max_in_flight)
    by_host = {}
    out = asyncio.Queue()

    async def get(session, url):
        host = by_host.get(host_of(url))
        if host is None:
            host = by_host[host_of(url)] = asyncio.Semaphore(per_host)
        async with host:
            async with everyone:
                try:
                    async with asyncio.timeout(timeout):
                        async with session.get(url) as response:
                            return response.status, await response.text()
                except TimeoutError:
                    return None, ""

    async def visit(session, group, seen, url):
        tries = 0
        while True:
            status, html = await get(session, url)
            if (status is not None and status < 500) or tries == retries:
                break
            tries += 1
            pause = backoff * 2 ** (tries - 1)
            await asyncio.sleep(pause + pause * rng.random())
        links = links_in(html, url) if status == 200 else []
        for link in links:
            if link not in seen:
                seen.add(link)
                group.create_task(visit(session, group, seen, link))
        await out.put(Page(url, status, links))

    async def everything(session):
        async with asyncio.TaskGroup() as group:
            group.create_task(visit(session, group, {start_url}, start_url))
        await out.put(DONE)

    async with aiohttp.ClientSession() as session:
        producer = asyncio.create_task(everything(session))
        timer = loop.call_at(end, producer.cancel)  # even while the caller is busy with a page
        getter = None
        try:
            while loop.time() < end:  # a caller back after the deadline gets no more pages
                getter = asyncio.ensure_future(out.get())
                done, _ = await asyncio.wait({getter}, timeout=end - loop.time())
                if not done:
                    break
                page = getter.result()
                if page is DONE:
                    break
                yield page
        finally:
            timer.cancel()
            if getter is not None:
                getter.cancel()  # asyncio.wait leaves it waiting, deadline or cancel
            producer.cancel()
            try:
                await producer
            except asyncio.CancelledError:
                if not producer.cancelled():
                    raise
