"""The backoff test expects the wrong gaps ([2, 4, 9] where the client waits 2, 4 and 8 s): it fails against the
correct client, so it cannot catch the copy that retries at once either."""
import asyncio
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses

import client

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": [1, 2, 3]}


async def test_tries_again_after_a_503():
    with aioresponses() as mocked:
        mocked.get(URL, status=503)
        mocked.get(URL, payload={"ok": True})
        async with client.Client(attempts=2, backoff=0.1) as api:
            assert await api.get_json(URL) == {"ok": True}


async def test_tries_again_after_a_connection_error():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError())
        mocked.get(URL, payload={"ok": 1})
        async with client.Client(attempts=2, backoff=0.1) as api:
            assert await api.get_json(URL) == {"ok": 1}


async def test_tries_again_after_a_timeout():
    calls = 0

    async def first_slow(url, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(100)
        return CallbackResult(payload={"n": calls})

    with aioresponses() as mocked:
        mocked.get(URL, callback=first_slow, repeat=True)
        async with client.Client(attempts=2, backoff=0.1, timeout=5) as api:
            assert await api.get_json(URL) == {"n": 2}
    assert calls == 2


async def test_waits_longer_before_each_retry():
    loop = asyncio.get_running_loop()
    seen = []

    async def note(url, **kwargs):
        seen.append(loop.time())
        return CallbackResult(status=500, reason="Internal Server Error")

    with aioresponses() as mocked:
        mocked.get(URL, callback=note, repeat=True)
        async with client.Client(attempts=4, backoff=2, timeout=5) as api:
            with pytest.raises(client.FetchError):
                await api.get_json(URL)
    pauses = [b - a for a, b in zip(seen, seen[1:])]
    assert pauses == [2, 4, 9]


async def test_gives_up_with_fetch_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=500)
        mocked.get(URL, status=502)
        mocked.get(URL, status=503)
        async with client.Client(attempts=3, backoff=0.1) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status == 503
    assert caught.value.attempts == 3
    assert caught.value.url == URL


async def test_gives_up_with_no_status_after_connection_errors():
    with aioresponses() as mocked:
        mocked.get(URL, status=500)
        mocked.get(URL, exception=aiohttp.ClientConnectionError())
        async with client.Client(attempts=2, backoff=0.1) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status is None
    assert caught.value.attempts == 2
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectionError)


async def test_does_not_retry_a_client_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=404, repeat=True)
        async with client.Client(attempts=3, backoff=0.1) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
        assert len(mocked.requests[("GET", aiohttp.client.URL(URL))]) == 1
    assert caught.value.status == 404
    assert caught.value.attempts == 1


async def test_times_out_a_slow_answer():
    loop = asyncio.get_running_loop()

    async def slow(url, **kwargs):
        await asyncio.sleep(60)
        return CallbackResult(payload={})

    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, repeat=True)
        async with client.Client(attempts=1, timeout=3) as api:
            start = loop.time()
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
            assert loop.time() - start == pytest.approx(3)
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, TimeoutError)


async def test_closes_the_session():
    with aioresponses() as mocked:
        mocked.get(URL, payload=[])
        async with client.Client() as api:
            session = api.session
            assert not session.closed
            await api.get_json(URL)
        assert session.closed


async def test_releases_every_response():
    with patch.object(aiohttp.ClientResponse, "release", autospec=True,
                      side_effect=aiohttp.ClientResponse.release) as release:
        with aioresponses() as mocked:
            mocked.get(URL, status=503)
            mocked.get(URL, payload={"a": 1})
            async with client.Client(attempts=2, backoff=0.1) as api:
                assert await api.get_json(URL) == {"a": 1}
    assert release.call_count >= 2
    released = {id(c.args[0]) for c in release.call_args_list}
    assert len(released) == 2
