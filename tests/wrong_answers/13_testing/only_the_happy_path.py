"""Topic 13: tests of the good answers only: every broken copy passes them too."""

from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": [1, 2, 3]}


async def test_returns_each_body_in_turn():
    with aioresponses() as mocked:
        mocked.get(URL, payload=[1])
        mocked.get(URL, payload=[2])
        async with client.Client() as api:
            assert await api.get_json(URL) == [1]
            assert await api.get_json(URL) == [2]
