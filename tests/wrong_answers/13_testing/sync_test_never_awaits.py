"""Topic 13: plain `def` tests: the client's coroutines are created, and never awaited."""

from aioresponses import aioresponses

import client

URL = "http://api.test/items"


def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        api = client.Client()
        api.get_json(URL)


async def test_closes_the_session():
    async with client.Client() as api:
        session = api.session
    assert session.closed
