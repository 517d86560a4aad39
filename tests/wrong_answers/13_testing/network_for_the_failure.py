"""Topic 13: to test a failed connection, it asks a host that does not exist, for real."""

import pytest
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": []})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": []}


async def test_gives_up_when_it_cannot_connect():
    async with client.Client(attempts=2, backoff=0.01) as api:
        with pytest.raises(client.FetchError) as caught:
            await api.get_json("http://no-such-host.invalid/items")
    assert caught.value.status is None
