# Correct: per_host workers for each host, made when its first URL turns up, sharing one overall semaphore; a retry waits in a task of its own and queues the URL again.
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


async def crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    overall = asyncio.Semaphore(max_in_flight)
    queues: dict[str, asyncio.Queue] = {}
    finished: asyncio.Queue = asyncio.Queue()
    tasks: list[asyncio.Task] = []

    async def one_try(session, url):
        async with overall:
            try:
                async with asyncio.timeout(timeout):
                    async with session.get(url) as response:
                        return response.status, await response.text()
            except TimeoutError:
                return None, ""

    async def retry_later(url, tries):
        pause = backoff * 2 ** (tries - 1)
        await asyncio.sleep(rng.uniform(pause, pause * 2))
        queues[host_of(url)].put_nowait((url, tries))

    async def worker(session, queue):
        while True:
            url, tries = await queue.get()
            status, html = await one_try(session, url)
            if (status is None or status >= 500) and tries < retries:
                tasks.append(asyncio.create_task(retry_later(url, tries + 1)))
                continue
            finished.put_nowait(Page(url, status, links_in(html, url) if status == 200 else []))

    async with aiohttp.ClientSession() as session:

        def visit(url):
            host = host_of(url)
            if host not in queues:
                queues[host] = asyncio.Queue()
                tasks.extend(asyncio.create_task(worker(session, queues[host])) for _ in range(per_host))
            queues[host].put_nowait((url, 0))

        def stop():  # at the deadline, even while the caller is busy with a page and this generator stands still
            for task in tasks:
                task.cancel()

        seen = {start_url}
        visit(start_url)
        given = 0
        timer = loop.call_at(end, stop)
        try:
            while given < len(seen):
                try:
                    page = await asyncio.wait_for(finished.get(), timeout=end - loop.time())
                except TimeoutError:
                    break
                for link in page.links:
                    if link not in seen:
                        seen.add(link)
                        visit(link)
                given += 1
                yield page
        finally:
            timer.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
