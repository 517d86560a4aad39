"""Topic 13: the slow answer waits in a worker thread, so as not to block the loop: it takes real time."""

import asyncio
import time

from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_returns_the_json_body():
    with aioresponses() as mocked:
        mocked.get(URL, payload={"items": []})
        async with client.Client() as api:
            assert await api.get_json(URL) == {"items": []}


async def test_waits_for_a_slow_answer():
    async def slow(url, **kwargs):
        await asyncio.to_thread(time.sleep, 0.4)

    with aioresponses() as mocked:
        mocked.get(URL, callback=slow, payload={"late": True})
        async with client.Client(attempts=1, timeout=10) as api:
            assert await api.get_json(URL) == {"late": True}
