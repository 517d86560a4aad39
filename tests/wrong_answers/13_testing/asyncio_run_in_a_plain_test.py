"""Topic 13: plain `def` tests that start an event loop of their own with asyncio.run."""

import asyncio

from aioresponses import aioresponses

import client

URL = "http://api.test/items"


def test_returns_the_json_body():
    async def fetch():
        async with client.Client() as api:
            return await api.get_json(URL)

    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        assert asyncio.run(fetch()) == {"items": [1, 2, 3]}
