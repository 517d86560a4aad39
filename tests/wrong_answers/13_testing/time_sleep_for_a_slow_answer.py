"""Topic 13: the slow answer sleeps for real, with time.sleep, in a plain callback."""

import time

import pytest
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": []})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": []}


async def test_times_out_a_slow_answer():
    def slow(url, **kwargs):
        time.sleep(0.2)

    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, repeat=True)
        async with client.Client(attempts=1, timeout=0.1) as api:
            with pytest.raises(client.FetchError):
                await api.get_json(URL)
