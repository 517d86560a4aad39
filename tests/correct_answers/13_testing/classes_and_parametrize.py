# Correct: tests grouped in classes, @pytest.mark.parametrize over the statuses (with pytest.param
# ids), the loop's clock read around the call rather than per request, and the session checked
# through a `Client` entered by hand with __aenter__/__aexit__.
"""Topic 13: testing async code — the tests of client.py."""

import asyncio
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import aioresponses

import client

URL = "https://shop.test/api/v1/products"

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]


def count(mocked):
    return sum(len(calls) for calls in mocked.requests.values())


class TestRetries:
    @pytest.mark.parametrize("status", [500, 503, pytest.param(504, id="gateway-timeout")])
    async def test_a_server_error_is_tried_again(self, status):
        with aioresponses() as mocked:
            mocked.get(URL, status=status)
            mocked.get(URL, payload=["a", "b"])
            async with client.Client(attempts=2) as api:
                assert await api.get_json(URL) == ["a", "b"]
        assert count(mocked) == 2

    @pytest.mark.parametrize("error", [aiohttp.ClientConnectionError(), pytest.param(asyncio.TimeoutError(), id="timeout")])
    async def test_no_answer_is_tried_again(self, error):
        with aioresponses() as mocked:
            mocked.get(URL, exception=error)
            mocked.get(URL, payload=[1])
            async with client.Client(attempts=2) as api:
                assert await api.get_json(URL) == [1]
        assert count(mocked) == 2

    @pytest.mark.parametrize("status", [400, 404, 429])
    async def test_a_client_error_is_final(self, status):
        with aioresponses() as mocked:
            mocked.get(URL, status=status, repeat=True)
            async with client.Client(attempts=5) as api:
                with pytest.raises(client.FetchError) as caught:
                    await api.get_json(URL)
        assert (caught.value.status, caught.value.attempts, count(mocked)) == (status, 1, 1)

    async def test_the_pauses_add_up(self):
        loop = asyncio.get_running_loop()
        with aioresponses() as mocked:
            mocked.get(URL, status=500, repeat=True)
            async with client.Client(attempts=4, backoff=2) as api:
                start = loop.time()
                with pytest.raises(client.FetchError):
                    await api.get_json(URL)
                assert loop.time() - start == pytest.approx(2 + 4 + 8)


class TestTimeout:
    async def test_every_attempt_ends_at_the_timeout(self):
        loop = asyncio.get_running_loop()

        async def never_in_time(url, **kwargs):
            await asyncio.sleep(1000)

        with aioresponses() as mocked:
            mocked.get(URL, callback=never_in_time, repeat=True)
            async with client.Client(attempts=1, timeout=30) as api:
                start = loop.time()
                with pytest.raises(client.FetchError):
                    await api.get_json(URL)
                assert loop.time() - start == pytest.approx(30)


class TestResources:
    async def test_the_session_is_closed_on_the_way_out(self):
        api = client.Client()
        await api.__aenter__()
        assert api.session.closed is False
        await api.__aexit__(None, None, None)
        assert api.session.closed is True

    async def test_each_response_is_released(self):
        with aioresponses() as mocked, patch.object(
            aiohttp.ClientResponse, "release", autospec=True, side_effect=aiohttp.ClientResponse.release
        ) as release:
            mocked.get(URL, payload={})
            async with client.Client() as api:
                await api.get_json(URL)
        release.assert_called()
