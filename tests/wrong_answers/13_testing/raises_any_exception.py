"""Topic 13: the failures are checked with pytest.raises(Exception), which any error satisfies."""

import pytest
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": [1, 2, 3]}


async def test_gives_up_after_every_attempt_failed():
    with aioresponses() as mocked:
        mocked.get(URL, status=503, repeat=True)
        async with client.Client(attempts=3) as api:
            with pytest.raises(Exception):
                await api.get_json(URL)
    assert sum(len(calls) for calls in mocked.requests.values()) == 3


async def test_does_not_retry_a_client_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=404, repeat=True)
        async with client.Client(attempts=3) as api:
            with pytest.raises(Exception):
                await api.get_json(URL)
    assert sum(len(calls) for calls in mocked.requests.values()) == 1
