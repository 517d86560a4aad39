"""Topic 13, correct: tests of every behaviour, one that gives the client an hour-long timeout and waits out two attempts
(7201 s of loop time, no real time), a draft test left marked skip and a wish marked strict xfail (pytest leaves both
out of its verdict, and so do the graders)."""

import asyncio
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import aioresponses, CallbackResult

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
        async with client.Client(attempts=3, backoff=0.5) as api:
            assert await api.get_json(URL) == {"ok": True}
        assert len(mocked.requests[("GET", aiohttp.client.URL(URL))]) == 2


async def test_tries_again_after_a_connection_error():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError())
        mocked.get(URL, payload={"ok": 1})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"ok": 1}


async def test_tries_again_after_a_timeout():
    calls = []

    async def cb(url, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            await asyncio.sleep(100)
        return CallbackResult(payload={"n": len(calls)})

    with aioresponses() as mocked:
        mocked.get(URL, callback=cb, repeat=True)
        async with client.Client(timeout=5) as api:
            assert await api.get_json(URL) == {"n": 2}
    assert len(calls) == 2


async def test_waits_longer_before_each_retry():
    loop = asyncio.get_running_loop()
    times = []

    def cb(url, **kwargs):
        times.append(loop.time())
        if len(times) < 4:
            return CallbackResult(status=500, reason="Internal Server Error")
        return CallbackResult(payload=[1])

    with aioresponses() as mocked:
        mocked.get(URL, callback=cb, repeat=True)
        async with client.Client(attempts=4, backoff=1.5) as api:
            assert await api.get_json(URL) == [1]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps == pytest.approx([1.5, 3.0, 6.0])


async def test_gives_up_with_fetch_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=502, repeat=True)
        async with client.Client(attempts=3, backoff=0.1) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status == 502
    assert caught.value.attempts == 3
    assert caught.value.url == URL


async def test_gives_up_after_connection_errors_with_no_status():
    with aioresponses() as mocked:
        mocked.get(URL, status=500)
        mocked.get(URL, exception=aiohttp.ClientConnectionError())
        async with client.Client(attempts=2, backoff=0.1) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status is None
    assert caught.value.attempts == 2


async def test_does_not_retry_a_client_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=404, repeat=True)
        async with client.Client(attempts=5) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
        assert len(mocked.requests[("GET", aiohttp.client.URL(URL))]) == 1
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
        async with client.Client(attempts=2, backoff=1, timeout=3) as api:
            t0 = loop.time()
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
            took = loop.time() - t0
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert starts == pytest.approx([t0, t0 + 4])
    assert took == pytest.approx(3 + 1 + 3)


async def test_closes_the_session():
    with aioresponses() as mocked:
        mocked.get(URL, payload={})
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
            async with client.Client(backoff=0.1) as api:
                assert await api.get_json(URL) == {"a": 1}
        assert release.call_count >= 2
        responses = {call.args[0] for call in release.call_args_list}
        assert len(responses) == 2


async def test_long_timeout_is_honoured():
    loop = asyncio.get_running_loop()

    async def very_slow(url, **kwargs):
        await asyncio.sleep(24 * 3600)

    with aioresponses() as mocked:
        mocked.get(URL, callback=very_slow, repeat=True)
        async with client.Client(attempts=2, backoff=1, timeout=3600) as api:
            t0 = loop.time()
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
            assert loop.time() - t0 == pytest.approx(3600 + 1 + 3600)
    assert caught.value.status is None and caught.value.attempts == 2


@pytest.mark.skip(reason="draft: concurrent requests, not written yet")
async def test_concurrent_requests_draft():
    raise NotImplementedError("later")


@pytest.mark.xfail(reason="the client does not validate attempts=0", strict=True)
async def test_zero_attempts_rejected():
    with pytest.raises(ValueError):
        client.Client(attempts=0)
