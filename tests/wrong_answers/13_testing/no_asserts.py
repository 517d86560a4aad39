"""Topic 13: tests that call the client and check nothing: they pass as long as nothing raises."""

import asyncio

import aiohttp
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": [1, 2, 3]})
        async with client.Client() as api:
            await api.get_json(URL)


async def test_tries_again_after_a_failure():
    with aioresponses() as mocked:
        mocked.get(URL, status=503)
        mocked.get(URL, exception=aiohttp.ClientConnectionError("refused"))
        mocked.get(URL, payload={"ok": True})
        async with client.Client(attempts=3) as api:
            await api.get_json(URL)


async def test_gives_up_with_fetch_error():
    with aioresponses() as mocked:
        mocked.get(URL, status=500, repeat=True)
        async with client.Client(attempts=3) as api:
            try:
                await api.get_json(URL)
            except client.FetchError:
                pass


async def test_times_out_a_slow_answer():
    async def slow(url, **kwargs):
        await asyncio.sleep(60)

    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, payload={}, repeat=True)
        async with client.Client(attempts=2, timeout=5) as api:
            try:
                await api.get_json(URL)
            except client.FetchError:
                pass
