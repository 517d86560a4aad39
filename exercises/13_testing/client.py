"""Topic 13: the client under test. It is finished: do not edit it.

An HTTP client for a JSON API, built on aiohttp, with the three things every client of a real
service needs: a timeout on each attempt, retries of what may work the second time, and a
pause between attempts that doubles each time (exponential backoff).

    async with Client(attempts=3, backoff=0.5, timeout=10) as api:
        items = await api.get_json("http://api.test/items")

Your task is in test_client.py: write the tests that prove this client does what it says.
The graders run your tests against this client, then against broken copies of it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp


class FetchError(Exception):
    """get_json gave up on `url` after `attempts` attempts.

    `status` is the HTTP status of the last answer, or None when the last attempt got no
    answer (it timed out, or could not connect). The last attempt's own error is the
    exception's `__cause__`.
    """

    def __init__(self, url: str, status: int | None, attempts: int) -> None:
        answer = f"status {status}" if status is not None else "no answer"
        super().__init__(f"GET {url}: {answer} after {attempts} attempt(s)")
        self.url = url
        self.status = status
        self.attempts = attempts


class Client:
    """Use it as `async with Client(...) as api:`, which opens one aiohttp session
    (`api.session`) for every request of the block and closes it when the block ends.

    Each attempt may take `timeout` seconds at most. An attempt that times out, cannot
    connect (aiohttp.ClientConnectionError) or gets a status of 500 or more is tried again,
    up to `attempts` attempts in all, after a pause of `backoff` seconds before the second
    attempt, twice that before the third, and so on (0.5, 1, 2, ... s by default). A status
    from 400 to 499 is not tried again: the server has said no.
    """

    def __init__(self, *, attempts: int = 3, backoff: float = 0.5, timeout: float = 10.0) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self.timeout = timeout
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Client:
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.session.close()

    async def get_json(self, url: str) -> Any:
        """GET `url` and return its body, decoded from JSON. Raise FetchError when it gives up."""
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 2))
            try:
                async with asyncio.timeout(self.timeout):
                    async with self.session.get(url) as response:
                        response.raise_for_status()
                        return await response.json()
            except aiohttp.ClientResponseError as error:
                failure, status = error, error.status
                if status < 500:
                    break  # the server has said no: asking again would not change its mind
            except (aiohttp.ClientError, TimeoutError) as error:
                failure, status = error, None
        raise FetchError(url, status, attempt) from failure
