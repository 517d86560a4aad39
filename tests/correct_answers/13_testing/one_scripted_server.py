# Correct: one mocked URL with repeat=True whose callback plays a script of answers
# (CallbackResult), noting when each request came; two requests awaited together with
# asyncio.gather through one client; unittest-style assert helpers of the mock and of aioresponses.
"""Topic 13: testing async code — the tests of client.py."""

import asyncio
from http import HTTPStatus
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses

import client

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

URL = "http://stock.test/item/42"


class Server:
    """Answers each request with the next entry of `script`: a status, or (status, payload), or a number of seconds to stall."""

    def __init__(self, *script):
        self.script = list(script)
        self.times = []

    async def answer(self, url, **kwargs):
        self.times.append(asyncio.get_running_loop().time())
        step = self.script.pop(0)
        if isinstance(step, float):
            await asyncio.sleep(step)
            return CallbackResult(status=200, payload={"late": True})
        status, payload = step if isinstance(step, tuple) else (step, None)
        # A CallbackResult has no reason phrase unless given one, and aiohttp's raise_for_status needs it.
        return CallbackResult(status=status, payload=payload, reason=HTTPStatus(status).phrase)


async def test_two_requests_at_once():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"n": 1})
        mocked.get(URL, payload={"n": 1})
        async with client.Client() as api:
            first, second = await asyncio.gather(api.get_json(URL), api.get_json(URL))
    assert first == second == {"n": 1}


async def test_retries_on_schedule():
    server = Server(500, 502, (200, {"in_stock": 3}))
    with aioresponses() as mocked:
        mocked.get(URL, callback=server.answer, repeat=True)
        async with client.Client(attempts=3, backoff=4) as api:
            assert await api.get_json(URL) == {"in_stock": 3}
    assert [b - a for a, b in zip(server.times, server.times[1:])] == [4, 8]


async def test_a_client_error_is_not_retried():
    server = Server(403, (200, {}))
    with aioresponses() as mocked:
        mocked.get(URL, callback=server.answer, repeat=True)
        async with client.Client() as api:
            with pytest.raises(client.FetchError, match="status 403 after 1 attempt"):
                await api.get_json(URL)
    assert len(server.times) == 1


async def test_a_refused_connection_is_retried():
    with aioresponses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectionError("refused"))
        mocked.get(URL, payload={"in_stock": 1})
        async with client.Client(attempts=2) as api:
            assert await api.get_json(URL) == {"in_stock": 1}


async def test_stalls_are_cut_short():
    server = Server(9.0, 9.0)
    with aioresponses() as mocked:
        mocked.get(URL, callback=server.answer, repeat=True)
        async with client.Client(attempts=2, backoff=1, timeout=3) as api:
            with pytest.raises(client.FetchError):
                await api.get_json(URL)
    assert [b - a for a, b in zip(server.times, server.times[1:])] == [3 + 1]


async def test_lets_go_of_what_it_opened():
    with aioresponses() as mocked, patch.object(
        aiohttp.ClientResponse, "release", autospec=True, side_effect=aiohttp.ClientResponse.release
    ) as release:
        mocked.get(URL, payload={"ok": 1})
        async with client.Client() as api:
            await api.get_json(URL)
            release.assert_called()
            opened = api.session
        mocked.assert_called_once_with(URL)
    assert opened.closed
