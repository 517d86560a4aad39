# Correct: no semaphores; one loop starts every URL whose host has room, and asyncio.wait(FIRST_COMPLETED) with the deadline as its timeout.
"""Topic 14: a polite crawler."""

import asyncio
import re
from collections import Counter, deque
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


async def fetch(session, url, timeout):
    """One attempt: (status, links), status None when it timed out."""
    try:
        async with asyncio.timeout(timeout), session.get(url) as response:
            html = await response.text()
    except TimeoutError:
        return None, []
    return response.status, links_in(html, url) if response.status == 200 else []


async def after(seconds, value):
    await asyncio.sleep(seconds)
    return value


async def crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    waiting = deque([(start_url, 0)])  # (url, attempts made so far), in the order found
    seen = {start_url}
    on_host = Counter()
    fetching = {}  # task -> (url, attempts made before it)
    pausing = set()  # tasks that hand back (url, attempts) once the pause before a retry is over

    def stop():  # at the deadline, even while the caller is busy with a page and this generator stands still
        for task in [*fetching, *pausing]:
            task.cancel()

    async with aiohttp.ClientSession() as session:
        timer = loop.call_at(end, stop)
        try:
            while waiting or fetching or pausing:
                for item in list(waiting):
                    if len(fetching) == max_in_flight:
                        break
                    url, tries = item
                    if on_host[host_of(url)] < per_host:
                        waiting.remove(item)
                        on_host[host_of(url)] += 1
                        fetching[asyncio.create_task(fetch(session, url, timeout))] = item
                left = end - loop.time()
                if left <= 0:
                    return
                done, _ = await asyncio.wait([*fetching, *pausing], timeout=left, return_when=asyncio.FIRST_COMPLETED)
                if not done or loop.time() >= end:
                    return
                pages = []
                for task in done:
                    if task in pausing:
                        pausing.discard(task)
                        waiting.append(task.result())
                        continue
                    url, tries = fetching.pop(task)
                    on_host[host_of(url)] -= 1
                    status, links = task.result()
                    if (status is None or status >= 500) and tries < retries:
                        pause = backoff * 2**tries
                        pausing.add(asyncio.create_task(after(rng.uniform(pause, 2 * pause), (url, tries + 1))))
                        continue
                    for link in links:
                        if link not in seen:
                            seen.add(link)
                            waiting.append((link, 0))
                    pages.append(Page(url, status, links))
                for page in pages:
                    if loop.time() >= end:  # the caller came back after the deadline
                        return
                    yield page
        finally:
            timer.cancel()
            rest = [*fetching, *pausing]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)
