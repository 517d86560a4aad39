"""The backoff test only checks that some time passed between the first and the last request."""

import asyncio
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses

import client

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

URL = "http://api.test/items"


def calls(mocked):
    return sum(len(v) for v in mocked.requests.values())


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": [1, 2, 3]}
        assert calls(mocked) == 1


async def test_tries_again_after_a_503():
    with aioresponses() as mocked:
        mocked.get(URL, status=503)
        mocked.get(URL, payload={"ok": True})
        async with client.Client(attempts=3, backoff=0.5) as api:
            assert await api.get_json(URL) == {"ok": True}
        assert calls(mocked) == 2


async def test_tries_again_after_a_connection_error():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError("down"))
        mocked.get(URL, payload=[1])
        async with client.Client(attempts=2, backoff=0.5) as api:
            assert await api.get_json(URL) == [1]
        assert calls(mocked) == 2


async def test_waits_longer_before_each_retry():
    loop = asyncio.get_running_loop()
    seen = []

    def record(url, **kwargs):
        seen.append(loop.time())

    with aioresponses() as mocked:
        mocked.get(URL, status=500, callback=record, repeat=True)
        async with client.Client(attempts=4, backoff=0.5, timeout=10) as api:
            with pytest.raises(client.FetchError):
                await api.get_json(URL)
    assert seen[-1] > seen[0]  # it waited before retrying


async def test_gives_up_with_fetch_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=502, repeat=True)
        async with client.Client(attempts=3, backoff=0.1) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
        assert calls(mocked) == 3
    err = caught.value
    assert err.status == 502
    assert err.attempts == 3
    assert err.url == URL
    assert isinstance(err.__cause__, aiohttp.ClientResponseError)


async def test_gives_up_with_no_status_when_it_cannot_connect():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError(), repeat=True)
        async with client.Client(attempts=2, backoff=0.1) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status is None
    assert caught.value.attempts == 2


async def test_does_not_retry_a_client_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=404, repeat=True)
        async with client.Client(attempts=3, backoff=0.5) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
        assert calls(mocked) == 1
    assert caught.value.status == 404
    assert caught.value.attempts == 1


async def test_times_out_a_slow_answer():
    loop = asyncio.get_running_loop()
    starts = []

    async def slow(url, **kwargs):
        starts.append(loop.time())
        await asyncio.sleep(60)

    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, repeat=True)
        t0 = loop.time()
        async with client.Client(attempts=2, backoff=1, timeout=3) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
        elapsed = loop.time() - t0
    assert caught.value.status is None
    assert len(starts) == 2
    assert starts[1] - starts[0] == pytest.approx(3 + 1)
    assert elapsed == pytest.approx(3 + 1 + 3)
    assert isinstance(caught.value.__cause__, TimeoutError)


async def test_closes_the_session():
    with aioresponses() as mocked:
        mocked.get(URL, payload={})
        async with client.Client() as api:
            session = api.session
            assert not session.closed
            await api.get_json(URL)
        assert session.closed


async def test_releases_every_response():
    with aioresponses() as mocked:
        mocked.get(URL, status=500)
        mocked.get(URL, status=503)
        mocked.get(URL, payload={"x": 1})
        with patch.object(aiohttp.ClientResponse, "release", autospec=True,
                          side_effect=aiohttp.ClientResponse.release) as spy:
            async with client.Client(attempts=3, backoff=0.1) as api:
                assert await api.get_json(URL) == {"x": 1}
        assert spy.call_count >= 3
        released = {id(c.args[0]) for c in spy.call_args_list}
        assert len(released) == 3
