"""Topic 13: the backoff is timed with time.monotonic(), the real clock."""

import time

from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": [1, 2, 3]}


async def test_waits_longer_before_each_retry():
    with aioresponses() as mocked:
        mocked.get(URL, status=500)
        mocked.get(URL, status=500)
        mocked.get(URL, payload=[])
        async with client.Client(attempts=3, backoff=0.5) as api:
            start = time.monotonic()
            await api.get_json(URL)
            assert time.monotonic() - start >= 1.5
