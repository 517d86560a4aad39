"""Topic 13: the mock comes from a fixture of the file's own, which the graders do not provide."""

import pytest
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


@pytest.fixture
def mocked():
    with aioresponses() as mock:
        yield mock


async def test_returns_the_json_body(mocked):
    mocked.get(URL, payload={"items": [1, 2, 3]})
    async with client.Client() as api:
        assert await api.get_json(URL) == {"items": [1, 2, 3]}
