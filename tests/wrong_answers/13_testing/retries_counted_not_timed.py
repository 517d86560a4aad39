"""Topic 13: the retries are counted, but nothing checks when they happen."""

import aiohttp
import pytest
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


def requests_made(mocked):
    return sum(len(calls) for calls in mocked.requests.values())


async def test_tries_again_after_a_failure():
    with aioresponses() as mocked:
        mocked.get(URL, status=503)
        mocked.get(URL, exception=aiohttp.ClientConnectionError())
        mocked.get(URL, payload={"ok": True})
        async with client.Client(attempts=3, backoff=0.5) as api:
            assert await api.get_json(URL) == {"ok": True}
    assert requests_made(mocked) == 3


async def test_gives_up_with_fetch_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=503, repeat=True)
        async with client.Client(attempts=4) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.attempts == 4
    assert requests_made(mocked) == 4
