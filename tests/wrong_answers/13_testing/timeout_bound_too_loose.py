"""Topic 13: the timeout test checks the attempt ended before the slow answer would (< 1000 s), not at the timeout."""

import asyncio
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import aioresponses, CallbackResult
from yarl import URL as YURL

import client

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

URL = "http://api.test/items"


def sent(mocked):
    return len(mocked.requests.get(("GET", YURL(URL)), []))


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": [1, 2, 3]}


async def test_tries_again_after_a_503():
    with aioresponses() as mocked:
        mocked.get(URL, status=503)
        mocked.get(URL, payload={"ok": True})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"ok": True}
        assert sent(mocked) == 2


async def test_tries_again_after_a_connection_error():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError())
        mocked.get(URL, payload={"ok": True})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"ok": True}
        assert sent(mocked) == 2




async def test_waits_longer_before_each_retry():
    times = []

    def note(url, **kwargs):
        times.append(asyncio.get_running_loop().time())
        return CallbackResult(status=503, reason="Service Unavailable")

    with aioresponses() as mocked:
        mocked.get(URL, callback=note, repeat=True)
        async with client.Client(attempts=4, backoff=0.5) as api:
            with pytest.raises(client.FetchError):
                await api.get_json(URL)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps == pytest.approx([0.5, 1.0, 2.0])


async def test_gives_up_with_fetch_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=500)
        mocked.get(URL, status=502)
        mocked.get(URL, status=503)
        async with client.Client(attempts=3) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status == 503
    assert caught.value.attempts == 3
    assert caught.value.url == URL


async def test_gives_up_without_answer():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError(), repeat=True)
        async with client.Client(attempts=2) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status is None
    assert caught.value.attempts == 2
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectionError)


async def test_does_not_retry_a_client_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=404, repeat=True)
        async with client.Client(attempts=3) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
        assert sent(mocked) == 1
    assert caught.value.status == 404
    assert caught.value.attempts == 1


async def test_times_out_a_slow_answer():
    async def slow(url, **kwargs):
        await asyncio.sleep(1000)

    loop = asyncio.get_running_loop()
    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, repeat=True)
        async with client.Client(attempts=1, timeout=3) as api:
            start = loop.time()
            with pytest.raises(client.FetchError):
                await api.get_json(URL)
            assert loop.time() - start < 1000   # did not wait for the slow server


async def test_closes_the_session():
    async with client.Client() as api:
        session = api.session
        assert not session.closed
    assert session.closed


async def test_releases_every_response():
    with patch.object(aiohttp.ClientResponse, "release", autospec=True,
                      side_effect=aiohttp.ClientResponse.release) as release:
        with aioresponses() as mocked:
            mocked.get(URL, status=500)
            mocked.get(URL, payload={"ok": True})
            async with client.Client() as api:
                await api.get_json(URL)
    assert release.call_count >= 2
    released = {id(call.args[0]) for call in release.call_args_list}
    assert len(released) == 2
