# Correct: one helper runs the client against a list of answers and reports what happened (the
# value or the error, and the loop's time of each request); a regex URL; the request log read with
# yarl.URL keys and assert_called_with; a plain `def` test of FetchError that needs no loop; the
# asyncio mark on each async test rather than on the module.
"""Topic 13: testing async code — the tests of client.py."""

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL as Url

import client

pytestmark = pytest.mark.looptime  # and @pytest.mark.asyncio on each async test

URL = "http://api.test/orders/7"


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None
    sent: list[float] = field(default_factory=list)  # loop time of each request

    @property
    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.sent, self.sent[1:])]


async def fetch(*answers: dict, **options: Any) -> Outcome:
    """Run get_json(URL) once, the server giving `answers` in turn (each a dict of mocked.get's options)."""
    loop = asyncio.get_running_loop()
    outcome = Outcome()

    def note(url, **kwargs):
        outcome.sent.append(loop.time())

    with aioresponses() as mocked:
        for answer in answers:
            mocked.get(re.compile(r"http://api\.test/orders/\d+"), callback=note, **answer)
        async with client.Client(**options) as api:
            try:
                outcome.value = await api.get_json(URL)
            except client.FetchError as error:
                outcome.error = error
        mocked.assert_called_with(URL)
        assert len(mocked.requests[("GET", Url(URL))]) == len(outcome.sent)
    return outcome


def test_fetch_error_carries_the_facts():
    error = client.FetchError(URL, 502, 3)
    assert (error.url, error.status, error.attempts) == (URL, 502, 3)
    assert "502" in str(error)


@pytest.mark.asyncio
async def test_a_good_answer_is_returned():
    outcome = await fetch({"payload": {"id": 7, "paid": True}})
    assert outcome.value == {"id": 7, "paid": True}
    assert len(outcome.sent) == 1


@pytest.mark.asyncio
async def test_the_pauses_double():
    outcome = await fetch({"status": 500}, {"status": 503}, {"status": 500}, {"payload": {}},
                          attempts=4, backoff=0.1)
    assert outcome.value == {}
    assert outcome.gaps == pytest.approx([0.1, 0.2, 0.4])


@pytest.mark.asyncio
async def test_giving_up_names_the_last_status():
    outcome = await fetch({"status": 500}, {"status": 503}, attempts=2)
    assert isinstance(outcome.error, client.FetchError)
    assert (outcome.error.status, outcome.error.attempts) == (503, 2)


@pytest.mark.asyncio
async def test_no_answer_is_tried_again():
    outcome = await fetch({"exception": aiohttp.ClientConnectionError()}, {"payload": [3]}, attempts=2)
    assert outcome.value == [3]
    assert len(outcome.sent) == 2


@pytest.mark.asyncio
async def test_a_refusal_is_final():
    outcome = await fetch({"status": 404}, {"payload": [3]}, attempts=3)
    assert (outcome.error.status, outcome.error.attempts) == (404, 1)
    assert len(outcome.sent) == 1


@pytest.mark.asyncio
async def test_a_slow_answer_is_cut_at_the_timeout():
    async def slow(url, **kwargs):
        await asyncio.sleep(45)

    loop = asyncio.get_running_loop()
    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, repeat=True)
        async with client.Client(attempts=1, timeout=2.5) as api:
            start = loop.time()
            with pytest.raises(client.FetchError):
                await api.get_json(URL)
            assert loop.time() - start == pytest.approx(2.5)


@pytest.mark.asyncio
async def test_an_attempt_that_timed_out_is_tried_again():
    async def slow(url, **kwargs):
        await asyncio.sleep(45)

    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, repeat=True)
        async with client.Client(attempts=3, backoff=0.5, timeout=2.5) as api:
            with pytest.raises(client.FetchError) as caught:
                await api.get_json(URL)
        assert (caught.value.status, caught.value.attempts) == (None, 3)
        assert len(mocked.requests[("GET", Url(URL))]) == 3


@pytest.mark.asyncio
async def test_the_session_and_the_response_are_let_go():
    with aioresponses() as mocked, patch.object(
        aiohttp.ClientResponse, "release", autospec=True, side_effect=aiohttp.ClientResponse.release
    ) as release:
        mocked.get(URL, payload=[1, 2])
        async with client.Client() as api:
            assert await api.get_json(URL) == [1, 2]
            assert release.called
            session = api.session
    assert session.closed
