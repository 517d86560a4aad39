"""Topic 13: the mock is started with start() and never stopped."""

from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    mocked = aioresponses()
    mocked.start()
    mocked.get(URL, payload={"items": [1, 2, 3]})
    async with client.Client() as api:
        assert await api.get_json(URL) == {"items": [1, 2, 3]}


async def test_closes_the_session():
    async with client.Client() as api:
        session = api.session
    assert session.closed
