"""Topic 13: the tests of failures are mocked, but the happy path asks a real server."""

import aiohttp
import pytest
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    async with client.Client() as api:
        body = await api.get_json("https://httpbin.org/json")
    assert "slideshow" in body


async def test_gives_up_with_fetch_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=503, repeat=True)
        async with client.Client(attempts=2) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status == 503


async def test_tries_again_after_a_failure():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError())
        mocked.get(URL, payload={"ok": True})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"ok": True}
