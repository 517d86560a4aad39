"""Topic 13, wrong: the tests are methods of a unittest.IsolatedAsyncioTestCase, which runs them on a loop of its own."""

import unittest

import aiohttp
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


class ClientTests(unittest.IsolatedAsyncioTestCase):
    async def test_returns_the_json_body(self):
        with aioresponses() as mocked:
            mocked.get(URL, payload={"a": 1})
            async with client.Client() as api:
                self.assertEqual(await api.get_json(URL), {"a": 1})

    async def test_tries_again_after_a_failure(self):
        with aioresponses() as mocked:
            mocked.get(URL, status=503)
            mocked.get(URL, exception=aiohttp.ClientConnectionError())
            mocked.get(URL, payload=[2])
            async with client.Client(attempts=3, backoff=0.001) as api:
                self.assertEqual(await api.get_json(URL), [2])

    async def test_closes_the_session(self):
        async with client.Client() as api:
            session = api.session
        self.assertTrue(session.closed)
