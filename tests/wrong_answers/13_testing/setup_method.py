"""Topic 13: tests in a class whose setup_method sets the URL; the graders run each test on its own, with no setup."""

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


class TestClient:
    def setup_method(self, method):
        self.url = URL

    async def test_returns_the_json_body(self):
        with aioresponses() as mocked:
            mocked.get(self.url, payload={"items": [1, 2, 3]})
            async with client.Client() as api:
                assert await api.get_json(self.url) == {"items": [1, 2, 3]}

    async def test_tries_again_after_a_503(self):
        with aioresponses() as mocked:
            mocked.get(self.url, status=503)
            mocked.get(self.url, payload={"ok": True})
            async with client.Client() as api:
                assert await api.get_json(self.url) == {"ok": True}
            assert sent(mocked) == 2

    async def test_tries_again_after_a_connection_error(self):
        with aioresponses() as mocked:
            mocked.get(self.url, exception=aiohttp.ClientConnectionError())
            mocked.get(self.url, payload={"ok": True})
            async with client.Client() as api:
                assert await api.get_json(self.url) == {"ok": True}
            assert sent(mocked) == 2

    async def test_tries_again_after_a_timeout(self):
        calls = 0

        async def first_slow(url, **kwargs):
            nonlocal calls
            calls += 1
            if calls == 1:
                await asyncio.sleep(100)
            return CallbackResult(payload={"ok": True})

        with aioresponses() as mocked:
            mocked.get(self.url, callback=first_slow, repeat=True)
            async with client.Client(timeout=5) as api:
                assert await api.get_json(self.url) == {"ok": True}
        assert calls == 2

    async def test_waits_longer_before_each_retry(self):
        times = []

        def note(url, **kwargs):
            times.append(asyncio.get_running_loop().time())
            return CallbackResult(status=503, reason="Service Unavailable")

        with aioresponses() as mocked:
            mocked.get(self.url, callback=note, repeat=True)
            async with client.Client(attempts=4, backoff=0.5) as api:
                with pytest.raises(client.FetchError):
                    await api.get_json(self.url)
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert gaps == pytest.approx([0.5, 1.0, 2.0])

    async def test_gives_up_with_fetch_error(self):
        with aioresponses() as mocked:
            mocked.get(self.url, status=500)
            mocked.get(self.url, status=502)
            mocked.get(self.url, status=503)
            async with client.Client(attempts=3) as api:
                with pytest.raises(client.FetchError) as caught:
                    await api.get_json(self.url)
        assert caught.value.status == 503
        assert caught.value.attempts == 3
        assert caught.value.url == URL

    async def test_gives_up_without_answer(self):
        with aioresponses() as mocked:
            mocked.get(self.url, exception=aiohttp.ClientConnectionError(), repeat=True)
            async with client.Client(attempts=2) as api:
                with pytest.raises(client.FetchError) as caught:
                    await api.get_json(self.url)
        assert caught.value.status is None
        assert caught.value.attempts == 2
        assert isinstance(caught.value.__cause__, aiohttp.ClientConnectionError)

    async def test_does_not_retry_a_client_error(self):
        with aioresponses() as mocked:
            mocked.get(self.url, status=404, repeat=True)
            async with client.Client(attempts=3) as api:
                with pytest.raises(client.FetchError) as caught:
                    await api.get_json(self.url)
            assert sent(mocked) == 1
        assert caught.value.status == 404
        assert caught.value.attempts == 1

    async def test_times_out_a_slow_answer(self):
        async def slow(url, **kwargs):
            await asyncio.sleep(60)

        loop = asyncio.get_running_loop()
        with aioresponses() as mocked:
            mocked.get(self.url, callback=slow, repeat=True)
            async with client.Client(attempts=2, backoff=1, timeout=3) as api:
                start = loop.time()
                with pytest.raises(client.FetchError) as caught:
                    await api.get_json(self.url)
                took = loop.time() - start
        assert took == pytest.approx(3 + 1 + 3)
        assert caught.value.status is None
        assert isinstance(caught.value.__cause__, TimeoutError)

    async def test_closes_the_session(self):
        async with client.Client() as api:
            session = api.session
            assert not session.closed
        assert session.closed

    async def test_releases_every_response(self):
        with patch.object(aiohttp.ClientResponse, "release", autospec=True,
                          side_effect=aiohttp.ClientResponse.release) as release:
            with aioresponses() as mocked:
                mocked.get(self.url, status=500)
                mocked.get(self.url, payload={"ok": True})
                async with client.Client() as api:
                    await api.get_json(self.url)
        assert release.call_count >= 2
        released = {id(call.args[0]) for call in release.call_args_list}
        assert len(released) == 2

