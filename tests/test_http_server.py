"""The HTTP topic's instruments: a loopback server with virtual delays, and the client watch."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from graders.harness.http_server import Server, client_watch
from graders.harness.probes import Recorder, loop_clock

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]


async def test_requests_are_spans_on_exact_loop_time() -> None:
    recorder = Recorder()
    async with Server(recorder) as server, aiohttp.ClientSession() as session:
        urls = [server.url(f"p{k}", delay=k + 1, body=f"body {k}") for k in range(3)]

        async def get(url: str) -> str:
            async with session.get(url) as response:
                return await response.text()

        start = loop_clock()
        assert await asyncio.gather(*map(get, urls)) == ["body 0", "body 1", "body 2"]
        assert loop_clock() - start == pytest.approx(3, abs=0.01)
    assert recorder.max_in_flight == 3
    assert sorted(s.label for s in recorder.spans) == ["GET /p0", "GET /p1", "GET /p2"]


async def test_routes_answer_with_their_status() -> None:
    async with Server(Recorder()) as server, aiohttp.ClientSession() as session:
        async with session.get(server.url("gone", delay=0, body="", status=410)) as response:
            assert response.status == 410
        async with session.get(server.url("x", delay=0, body="")[:-1] + "unknown") as response:
            assert response.status == 404


async def test_an_unreachable_url_refuses_the_connection_and_keeps_its_port() -> None:
    async with Server(Recorder()) as server, aiohttp.ClientSession() as session:
        url = server.unreachable_url("nothing")
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(url)
        port = int(url.split(":")[2].split("/")[0])
        with socket.socket() as other, pytest.raises(OSError):  # no other server can start listening there meanwhile
            other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            other.bind(("127.0.0.1", port))


async def test_the_watch_counts_sessions_and_unreleased_responses() -> None:
    original = aiohttp.ClientSession.__init__
    async with Server(Recorder()) as server:
        url = server.url("big", delay=0.5, body="x" * 2_000_000)
        with client_watch() as watch:
            async with aiohttp.ClientSession() as session:
                async with session.get(url) as response:
                    assert response.status == 200
                leaked = await session.get(url)
            assert len(watch.sessions) == 1
            assert watch.unreleased() == [leaked]
        leaked.close()
    assert aiohttp.ClientSession.__init__ is original and not watch.unreleased()
