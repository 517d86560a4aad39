# Correct: type hints, logging and prints; several patches entered on one contextlib.ExitStack; the
# session leak caught by swapping aiohttp.ClientSession for a mock that makes and records real ones;
# asyncio.wait_for and asyncio.timeout in the tests themselves; the cause of FetchError checked.
"""Topic 13: testing async code — the tests of client.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from unittest.mock import MagicMock, patch

import aiohttp
import pytest
from aioresponses import aioresponses

import client

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]
log = logging.getLogger(__name__)

URL = "http://weather.test/today"


@contextlib.contextmanager
def watched() -> contextlib.AbstractContextManager[tuple[aioresponses, MagicMock]]:
    with contextlib.ExitStack() as stack:
        mocked = stack.enter_context(aioresponses())
        release = stack.enter_context(patch.object(
            aiohttp.ClientResponse, "release", autospec=True, side_effect=aiohttp.ClientResponse.release))
        yield mocked, release


async def test_today() -> None:
    with watched() as (mocked, release):
        mocked.get(URL, payload={"sky": "clear"})
        async with client.Client() as api:
            weather = await asyncio.wait_for(api.get_json(URL), timeout=1)
    print("got", weather)
    log.info("weather: %s", weather)
    assert weather == {"sky": "clear"}
    assert release.call_count >= 1


async def test_a_refused_connection_then_an_answer() -> None:
    loop = asyncio.get_running_loop()
    with watched() as (mocked, _):
        mocked.get(URL, exception=aiohttp.ClientConnectionError("refused"))
        mocked.get(URL, payload={"sky": "rain"})
        async with client.Client(backoff=3) as api:
            start = loop.time()
            assert await api.get_json(URL) == {"sky": "rain"}
            assert loop.time() - start == pytest.approx(3)


async def test_the_pause_doubles_before_each_retry() -> None:
    loop = asyncio.get_running_loop()
    arrivals: list[float] = []

    def note(url: object, **kwargs: object) -> None:
        arrivals.append(loop.time())

    with watched() as (mocked, _):
        mocked.get(URL, status=502, callback=note)
        mocked.get(URL, status=502, callback=note)
        mocked.get(URL, payload={"sky": "fog"}, callback=note)
        async with client.Client(attempts=3, backoff=2) as api:
            assert await api.get_json(URL) == {"sky": "fog"}
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    assert gaps == [pytest.approx(2), pytest.approx(4)]


async def test_the_last_error_is_the_cause() -> None:
    with watched() as (mocked, _):
        mocked.get(URL, status=500)
        mocked.get(URL, status=503)
        async with client.Client(attempts=2, backoff=0) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    cause = caught.value.__cause__
    assert isinstance(cause, aiohttp.ClientResponseError) and cause.status == 503


async def test_no_answer_within_the_timeout() -> None:
    async def hang(url: object, **kwargs: object) -> None:
        await asyncio.sleep(3600)

    loop = asyncio.get_running_loop()
    with watched() as (mocked, _):
        mocked.get(URL, callback=hang, repeat=True)
        async with asyncio.timeout(100):  # the test's own safety net: far beyond what the client needs
            async with client.Client(attempts=3, backoff=1, timeout=10) as api:
                start = loop.time()
                with pytest.raises(client.FetchError) as caught:
                    await api.get_json(URL)
    assert loop.time() - start == pytest.approx(10 + 1 + 10 + 2 + 10)
    assert (caught.value.status, caught.value.attempts) == (None, 3)
    assert isinstance(caught.value.__cause__, TimeoutError)


async def test_a_refusal_is_the_last_word() -> None:
    with watched() as (mocked, _):
        mocked.get(URL, status=404, repeat=True)
        async with client.Client(attempts=4) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert (caught.value.status, caught.value.attempts) == (404, 1)
    assert sum(len(sent) for sent in mocked.requests.values()) == 1


async def test_every_session_is_closed() -> None:
    made: list[aiohttp.ClientSession] = []
    real = aiohttp.ClientSession

    def recording(*args: object, **kwargs: object) -> aiohttp.ClientSession:
        session = real(*args, **kwargs)
        made.append(session)
        return session

    with patch("aiohttp.ClientSession", side_effect=recording):
        async with client.Client():
            pass
        async with client.Client():
            pass
    assert len(made) == 2
    assert all(session.closed for session in made)
