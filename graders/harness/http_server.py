"""A real HTTP server on 127.0.0.1 for the HTTP topic, and a watch on the aiohttp client.

The server is aiohttp.web running in the test's own event loop, so under looptime each
route's delay is virtual: a "2 s" response costs no real time and loop time stays exact.
Every request it handles is a span in a Recorder, from its arrival until the last of its
body is sent, which gives requests in flight, their order and a timeline for free. No test touches any other network.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from .probes import Recorder


@dataclass(frozen=True)
class Route:
    delay: float
    body: str
    status: int = 200


class Server:
    """`async with Server(recorder) as server:`, then `server.url(...)` for each route it should answer."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.heads = Recorder()  # each request until its headers were sent
        self.routes: dict[str, Route] = {}
        self.port = 0
        self._held: list[socket.socket] = []  # the ports of unreachable URLs
        app = web.Application()
        app.router.add_get("/{name}", self._handle)
        # Leaky clients may leave connections open; closing must not wait for them.
        self._runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)

    def url(self, name: str, *, delay: float, body: str, status: int = 200) -> str:
        self.routes[name] = Route(delay, body, status)
        return f"http://127.0.0.1:{self.port}/{name}"

    def unreachable_url(self, name: str) -> str:
        """A URL on 127.0.0.1 where nobody listens while the server runs: connecting is refused at once. Its port is
        held by a socket that never listens. A port merely found free and let go was once taken meanwhile by another
        grading process's server (a reversing line server of the streams topic), and the request met it."""
        holder = socket.socket()  # without SO_REUSEADDR: nobody else may bind the port while it is held
        holder.bind(("127.0.0.1", 0))
        self._held.append(holder)
        return f"http://127.0.0.1:{holder.getsockname()[1]}/{name}"

    async def __aenter__(self) -> Server:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._runner.cleanup()
        for holder in self._held:
            holder.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        route = self.routes.get(name)
        if route is None:
            return web.Response(status=404, text="no such route")
        # The headers go out halfway through the delay and the body trickles in over the rest,
        # so a request counts as in flight until its body has arrived: a client that lets the
        # next request go once the headers are in shows up as one request too many in flight.
        # A HEAD request (the router answers it as GET's twin) gets the headers only, as from any server: a body
        # after them would be read as the next response on the connection ("Bad status line").
        body = route.body.encode() if request.method != "HEAD" else b""
        label = f"{request.method} /{name}"
        with self.recorder.span(label):
            with self.heads.span(label):
                await asyncio.sleep(route.delay / 2)
                response = web.StreamResponse(status=route.status)
                response.content_type, response.charset = "text/plain", "utf-8"
                response.content_length = len(route.body.encode())
                await response.prepare(request)
            await response.write(body[: len(body) // 2])
            await asyncio.sleep(route.delay / 2)
        try:
            await response.write(body[len(body) // 2 :])  # after the span: the client can only move on once this is read
            await response.write_eof()
        except ConnectionResetError:
            pass  # the client released the response unread (its right): no server error to log under the learner's failure
        return response


@dataclass
class ClientWatch:
    """The aiohttp sessions and responses created while active."""

    sessions: list[aiohttp.ClientSession] = field(default_factory=list)
    responses: list[aiohttp.ClientResponse] = field(default_factory=list)

    def unreleased(self) -> list[aiohttp.ClientResponse]:
        """Responses whose connection was never given back: body not read to the end, never released or closed."""
        return [r for r in self.responses if not r.closed]


@contextmanager
def client_watch() -> Iterator[ClientWatch]:
    watch = ClientWatch()
    session_init = aiohttp.ClientSession.__init__
    response_init = aiohttp.ClientResponse.__init__

    def new_session(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        watch.sessions.append(self)
        session_init(self, *args, **kwargs)

    def new_response(self: aiohttp.ClientResponse, *args: Any, **kwargs: Any) -> None:
        watch.responses.append(self)
        response_init(self, *args, **kwargs)

    aiohttp.ClientSession.__init__ = new_session  # type: ignore[method-assign]
    aiohttp.ClientResponse.__init__ = new_response  # type: ignore[method-assign]
    try:
        yield watch
    finally:
        aiohttp.ClientSession.__init__ = session_init  # type: ignore[method-assign]
        aiohttp.ClientResponse.__init__ = response_init  # type: ignore[method-assign]


@contextmanager
def connectors_made() -> Iterator[list[aiohttp.BaseConnector]]:
    """The aiohttp connectors created while active: their limits (limit, limit_per_host) outlive their sessions."""
    made: list[aiohttp.BaseConnector] = []
    init = aiohttp.BaseConnector.__init__

    def new(self: aiohttp.BaseConnector, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        init(self, *args, **kwargs)

    aiohttp.BaseConnector.__init__ = new  # type: ignore[method-assign]
    try:
        yield made
    finally:
        aiohttp.BaseConnector.__init__ = init  # type: ignore[method-assign]
