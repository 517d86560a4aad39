"""Topic 14, wrong: crawl retries only 500, 502 and 503, not every 5xx the docstring names."""

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
    """Crawl from `start_url`, breadth-first, and yield a Page for every URL visited, each as soon
    as it is done.

    - Visit every URL reachable through the links of pages that answered 200, each URL once
      (compare URLs as links_in gives them).
    - Never more than `max_in_flight` requests in flight at once, and never more than
      `per_host` on one host (host_of); and never fewer, while a URL that may go is waiting.
      A request is in flight from the moment it is sent until its body has been read.
    - An attempt that answers a 5xx status, or has no answer `timeout` seconds after it was
      sent, is tried again, up to `retries` more times. Before retry number k (1, 2, ...) wait
      a random time between `backoff * 2 ** (k - 1)` seconds and twice that, drawn from `rng`
      (a random.Random), and hold no slot while you wait. Other statuses (404) are final.
    - `deadline` seconds after the crawl began, stop: cancel what is still in flight, even
      while the caller is busy with a page, and end the iteration quietly (no error), at the
      caller's next step if it is busy then; the pages yielded by the deadline are the result.
    - When the caller is cancelled (Ctrl-C), stop at once: leave no task running and no
      connection open, and let the CancelledError through.
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    everyone = asyncio.Semaphore(max_in_flight)
    hosts = {}
    done = asyncio.Queue()
    tasks = set()
    seen = {start_url}

    async with aiohttp.ClientSession() as session:

        async def attempt(url):
            host = hosts.setdefault(host_of(url), asyncio.Semaphore(per_host))
            async with host, everyone:
                try:
                    async with asyncio.timeout(timeout):
                        async with session.get(url) as response:
                            body = await response.text()
                            return response.status, body
                except TimeoutError:
                    return None, ""

        async def visit(url):
            for k in range(retries + 1):
                if k:
                    pause = backoff * 2 ** (k - 1)
                    await asyncio.sleep(pause + rng.uniform(0, pause))
                status, body = await attempt(url)
                if status is not None and status not in (500, 502, 503):
                    break
            links = links_in(body, url) if status == 200 else []
            done.put_nowait(Page(url, status, links))

        def start(url):
            task = asyncio.create_task(visit(url))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        def stop():
            for task in tasks:
                task.cancel()

        timer = loop.call_at(end, stop)
        try:
            start(start_url)
            yielded = 0
            while yielded < len(seen) and loop.time() < end:
                try:
                    async with asyncio.timeout_at(end):
                        page = await done.get()
                except TimeoutError:
                    return
                for link in page.links:
                    if link not in seen:
                        seen.add(link)
                        start(link)
                yielded += 1
                yield page
        finally:
            timer.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


if __name__ == "__main__":
    async def main():
        async for page in crawl("https://example.com/", max_in_flight=4, per_host=2, retries=2,
                                backoff=0.5, timeout=5, deadline=10, rng=random.Random()):
            print(page.status, page.url, len(page.links))

    asyncio.run(main())
