"""Topic 14: a polite crawler — the whole course in one program.

`crawl` starts from one URL, fetches the page, finds its links and follows them, breadth-first,
fetching each URL once. It is polite to the servers it visits: a few requests at a time
overall and fewer still on any one host, a retry after a pause that grows when a server is in
trouble, and a deadline for the whole crawl. It hands each page to its caller as soon as it
has it: `crawl` is an async generator.

    async for page in crawl("http://127.0.0.1:8001/home", max_in_flight=4, per_host=2,
                            retries=3, backoff=0.5, timeout=5, deadline=60, rng=random.Random()):
        print(page.status, page.url, len(page.links))

The graders run it against web servers of their own on 127.0.0.1, each "host" a server on a
port of its own, on a virtual clock. Fill in the TODO, then check your work with:

    pytest exercises/14_capstone

Read README.md in this folder first: it walks through the design, one piece at a time.
Keep experiments under `if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

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
    # TODO: one ClientSession; a task per URL; a seen set; a queue of pages done; yield them.
    raise NotImplementedError("crawl")


if __name__ == "__main__":
    async def main():
        async for page in crawl("https://example.com/", max_in_flight=4, per_host=2, retries=2,
                                backoff=0.5, timeout=5, deadline=10, rng=random.Random()):
            print(page.status, page.url, len(page.links))

    asyncio.run(main())
