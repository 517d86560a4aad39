"""Topic 13, correct: the usual tests, with a draft test left marked skip, and a wish marked xfail: pytest leaves
both out of its verdict, and so do the graders."""

import asyncio
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import aioresponses

import client

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

URL = "http://api.test/items"


def requests_made(mocked: aioresponses) -> int:
    """How many requests the client sent, whatever their URLs."""
    return sum(len(calls) for calls in mocked.requests.values())


async def test_returns_the_json_body():
    """A 200 answer: get_json returns its body, decoded, after one request."""
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": [1, 2, 3]}
    assert requests_made(mocked) == 1


async def test_tries_again_after_a_failure():
    """A 503, then a connection that fails, then a 200: the third attempt's body comes back."""
    with aioresponses() as mocked:
        mocked.get(URL, status=503)
        mocked.get(URL, exception=aiohttp.ClientConnectionError("refused"))
        mocked.get(URL, payload={"ok": True})
        async with client.Client(attempts=3) as api:
            assert await api.get_json(URL) == {"ok": True}
    assert requests_made(mocked) == 3


async def test_waits_longer_before_each_retry():
    """The pauses between attempts are backoff, then twice backoff, on the loop's clock."""
    loop = asyncio.get_running_loop()
    sent = []

    def note(url, **kwargs):
        sent.append(loop.time())

    with aioresponses() as mocked:
        mocked.get(URL, status=500, callback=note)
        mocked.get(URL, status=500, callback=note)
        mocked.get(URL, payload=[], callback=note)
        async with client.Client(attempts=3, backoff=0.5) as api:
            await api.get_json(URL)
    gaps = [later - earlier for earlier, later in zip(sent, sent[1:])]
    assert gaps == pytest.approx([0.5, 1.0])


async def test_gives_up_with_fetch_error():
    """Every attempt fails: FetchError, with the last status and the number of attempts."""
    with aioresponses() as mocked:
        mocked.get(URL, status=500)
        mocked.get(URL, status=502)
        mocked.get(URL, status=503)
        async with client.Client(attempts=3) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status == 503
    assert caught.value.attempts == 3


async def test_does_not_retry_a_client_error():
    """A 404 is final: FetchError at once, after a single request."""
    with aioresponses() as mocked:
        mocked.get(URL, status=404)
        mocked.get(URL, payload={"too": "late"})
        async with client.Client(attempts=3) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
    assert caught.value.status == 404
    assert requests_made(mocked) == 1


async def test_times_out_a_slow_answer():
    """An answer slower than the timeout: each attempt ends at the timeout, then FetchError."""
    loop = asyncio.get_running_loop()

    async def slow(url, **kwargs):
        await asyncio.sleep(60)

    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, payload={"late": True}, repeat=True)
        async with client.Client(attempts=2, backoff=1, timeout=5) as api:
            start = loop.time()
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
            took = loop.time() - start
    assert took == pytest.approx(5 + 1 + 5)
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, TimeoutError)


async def test_closes_the_session():
    """The session is open inside `async with Client()`, and closed after it."""
    async with client.Client() as api:
        session = api.session
        assert not session.closed
    assert session.closed


async def test_releases_every_response():
    """Every response the client got is released, the good one included."""
    release = aiohttp.ClientResponse.release
    with aioresponses() as mocked, patch.object(
        aiohttp.ClientResponse, "release", autospec=True, side_effect=release
    ) as spy:
        mocked.get(URL, status=503)
        mocked.get(URL, payload={"ok": True})
        async with client.Client() as api:
            await api.get_json(URL)
    released = {call.args[0] for call in spy.call_args_list}
    assert len(released) == 2


@pytest.mark.skip(reason="draft: to finish")
async def test_follows_redirects():
    raise NotImplementedError


@pytest.mark.xfail(reason="the client does not cache yet", strict=True)
async def test_caches_a_repeated_request():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"n": 1})
        async with client.Client() as api:
            await api.get_json(URL)
            await api.get_json(URL)
    assert requests_made(mocked) == 1
