# Correct: the backoff read from a mock of asyncio.sleep (AsyncMock, handed in by a @patch
# decorator) instead of the loop's clock; the session's close() spied on with patch.object; a
# response_class that notes its own release; one answer whose callback is slow, then fast.
"""Topic 13: testing async code — the tests of client.py."""

import asyncio
from unittest.mock import AsyncMock, call, patch

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses

import client

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

URL = "http://api.test/items"


class NotedResponse(aiohttp.ClientResponse):
    """A response that remembers whether it was released."""

    released: list["NotedResponse"] = []

    def release(self):
        NotedResponse.released.append(self)
        return super().release()


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"name": "widget"})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"name": "widget"}


@patch("asyncio.sleep", new_callable=AsyncMock)
async def test_waits_backoff_then_twice_backoff(sleep):
    with aioresponses() as mocked:
        mocked.get(URL, status=502)
        mocked.get(URL, status=504)
        mocked.get(URL, payload={"third": "time"})
        async with client.Client(attempts=3, backoff=0.25) as api:
            assert await api.get_json(URL) == {"third": "time"}
    assert sleep.await_args_list == [call(0.25), call(0.5)]


async def test_gives_up_and_says_why():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError("down"), repeat=True)
        async with client.Client(attempts=2, backoff=0) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.attempts == 2
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectionError)


async def test_a_timeout_counts_as_a_failed_attempt():
    calls = []
    loop = asyncio.get_running_loop()

    async def slow_then_fast(url, **kwargs):
        calls.append(loop.time())
        if len(calls) == 1:
            await asyncio.sleep(3)
        return CallbackResult(payload={"fast": True})

    with aioresponses() as mocked:
        # One answer for every attempt: a callback cancelled by the timeout stays registered.
        mocked.get(URL, callback=slow_then_fast, repeat=True)
        async with client.Client(attempts=2, backoff=0, timeout=1) as api:
            assert await api.get_json(URL) == {"fast": True}
    assert len(calls) == 2
    assert calls[1] - calls[0] == pytest.approx(1)  # the first attempt was cut at the timeout


async def test_a_refusal_is_not_tried_again():
    with aioresponses() as mocked:
        mocked.get(URL, status=403)
        mocked.get(URL, payload={"never": "asked"})
        async with client.Client(attempts=3, backoff=0) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert (caught.value.status, caught.value.attempts) == (403, 1)


async def test_closes_its_session():
    close = aiohttp.ClientSession.close
    with patch.object(aiohttp.ClientSession, "close", autospec=True, side_effect=close) as spy:
        async with client.Client():
            spy.assert_not_awaited()
    spy.assert_awaited_once()


async def test_releases_the_good_answer():
    NotedResponse.released.clear()
    with aioresponses() as mocked:
        mocked.get(URL, payload={"ok": True}, response_class=NotedResponse)
        async with client.Client() as api:
            await api.get_json(URL)
    assert len(NotedResponse.released) >= 1
