"""Topic 13: the timeout is "tested" with a mock that raises TimeoutError at once."""

import pytest
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": [1, 2, 3]}


async def test_times_out_a_slow_answer():
    with aioresponses() as mocked:
        mocked.get(URL, timeout=True, repeat=True)
        async with client.Client(attempts=1, timeout=5) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, TimeoutError)
