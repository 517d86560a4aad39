"""Topic 13: testing async code — write the tests of client.py.

client.py in this folder is finished: an HTTP client with retries, backoff and a timeout. Your
task is to prove that it works, with tests: `async def test_...()` functions that mock the
server with aioresponses and await the client. Each TODO below names one thing to prove.

The graders run your tests against client.py (every test must pass), then against broken
copies of it (each broken copy must fail at least one of your tests). They run each test on an
event loop with a virtual clock, as `@pytest.mark.looptime` does: `await asyncio.sleep(60)`
takes no real time, and `asyncio.get_running_loop().time()` moves on by exactly 60 (from one
test to the next, too: time each test from a reading taken as it starts). Tests get
no fixtures. Check your work with:

    pytest exercises/13_testing

Read README.md in this folder first.
"""

import asyncio
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import aioresponses

import client

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

URL = "http://api.test/items"


async def test_returns_the_json_body():
    """A 200 answer: get_json returns its body, decoded from JSON."""
    # TODO: with aioresponses() as mocked: mocked.get(URL, payload=...), then
    #       async with client.Client() as api: assert await api.get_json(URL) == ...
    raise NotImplementedError("test_returns_the_json_body")


async def test_tries_again_after_a_failure():
    """A failed attempt (a 503, a connection error) is followed by another: the good answer after it comes back."""
    # TODO: two mocked.get(URL, ...) for one URL are answered in turn, once each.
    raise NotImplementedError("test_tries_again_after_a_failure")


async def test_waits_longer_before_each_retry():
    """The pauses between attempts are `backoff` seconds, then twice that, on the loop's clock."""
    # TODO: note asyncio.get_running_loop().time() in a callback as each request arrives.
    raise NotImplementedError("test_waits_longer_before_each_retry")


async def test_gives_up_with_fetch_error():
    """When every attempt fails, get_json raises client.FetchError, with the last status and the number of attempts."""
    # TODO: with pytest.raises(client.FetchError) as caught: ..., then look at caught.value.
    raise NotImplementedError("test_gives_up_with_fetch_error")


async def test_does_not_retry_a_client_error():
    """A 404 is final: FetchError at once, after a single request."""
    # TODO: mocked.requests holds every request the client sent.
    raise NotImplementedError("test_does_not_retry_a_client_error")


async def test_times_out_a_slow_answer():
    """An answer slower than `timeout`: each attempt ends at the timeout."""
    # TODO: an async callback that awaits asyncio.sleep(...) makes an answer slow.
    raise NotImplementedError("test_times_out_a_slow_answer")


async def test_closes_the_session():
    """The session is closed once the `async with client.Client()` block has ended."""
    # TODO: keep api.session, and look at its .closed after the block.
    raise NotImplementedError("test_closes_the_session")


async def test_releases_every_response():
    """Every response the client gets is released, a good answer included."""
    # TODO: spy on aiohttp.ClientResponse.release with patch.object(..., autospec=True, side_effect=...).
    raise NotImplementedError("test_releases_every_response")
