"""Topic 14, wrong: the retry loop makes `retries` attempts in all, one short of the first and `retries` retries."""

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
    everyone = asyncio.Semaphore(max_in_flight)
    hosts: dict[str, asyncio.Semaphore] = {}
    done: asyncio.Queue[Page] = asyncio.Queue()
    seen = {start_url}
    tasks: set[asyncio.Task] = set()  # the visits still running, to cancel on the way out

    async def attempt(session, url):
        # The host's slot first: a request waiting for a busy host then holds no global slot.
        async with hosts.setdefault(host_of(url), asyncio.Semaphore(per_host)), everyone:
            try:
                async with asyncio.timeout(timeout):
                    async with session.get(url) as response:
                        body = await response.text()
            except TimeoutError:
                return None, []
        return response.status, links_in(body, url) if response.status == 200 else []

    async def visit(session, url):
        for k in range(retries):  # one attempt short: the first and retries - 1 retries
            if k:
                pause = backoff * 2 ** (k - 1)
                await asyncio.sleep(pause + rng.uniform(0, pause))  # no slot held meanwhile
            status, links = await attempt(session, url)
            if status is not None and status < 500:
                break
        done.put_nowait(Page(url, status, links))

    async with aiohttp.ClientSession() as session:

        def start(url):
            task = asyncio.create_task(visit(session, url))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        def stop():
            for task in tasks:
                task.cancel()

        # At the deadline, whatever the caller is doing: while it is busy with a page, this generator stands
        # still at its `yield`, and nothing in it could stop the requests in flight.
        timer = loop.call_at(end, stop)
        try:
            start(start_url)
            yielded = 0
            # Each URL seen gives one page; a caller that comes back after the deadline gets none.
            while yielded < len(seen) and loop.time() < end:
                try:
                    async with asyncio.timeout_at(end):  # around the wait only, never around a yield
                        page = await done.get()
                except TimeoutError:
                    return
                for link in page.links:
                    if link not in seen:  # checked and added with no await between: one visit per URL
                        seen.add(link)
                        start(link)
                yielded += 1
                yield page
        finally:
            timer.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
