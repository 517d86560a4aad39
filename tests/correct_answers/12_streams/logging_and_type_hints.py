# Correct: the reference idioms (readline and a newline check, a TaskGroup of handlers, wait_for for
# each answer) with type hints, logging, print() calls and a demo under __main__.
"""Topic 12: a TCP server and client with asyncio streams."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    peer = writer.get_extra_info("peername")
    log.info("client %s connected", peer)
    try:
        while True:
            line = await reader.readline()
            if not line.endswith(b"\n"):
                log.info("client %s is done (%r left over)", peer, line)
                break
            writer.write(line[:-1][::-1] + b"\n")
            await writer.drain()
    except ConnectionError as error:
        log.warning("client %s went away: %s", peer, error)
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


async def serve(host: str, port: int, ready: Callable[[int], None]) -> None:
    async with asyncio.TaskGroup() as group:

        def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            group.create_task(handle(reader, writer))

        server = await asyncio.start_server(connected, host, port)
        try:
            bound = server.sockets[0].getsockname()[1]
            print(f"serving on {host}:{bound}")
            ready(bound)
            await asyncio.Future()
        finally:
            server.close()
            log.info("server closed; ending the connections still open")


async def request(host: str, port: int, lines: list[str], timeout: float) -> list[str]:
    reader, writer = await asyncio.open_connection(host, port)
    answers: list[str] = []
    try:
        for line in lines:
            writer.write(line.encode() + b"\n")
            await writer.drain()
            raw = await asyncio.wait_for(reader.readline(), timeout)
            answers.append(raw.decode().removesuffix("\n"))
            log.debug("%r -> %r", line, answers[-1])
        return answers
    finally:
        writer.close()
        await writer.wait_closed()


async def demo() -> None:
    ports: asyncio.Queue[int] = asyncio.Queue()
    server = asyncio.create_task(serve("127.0.0.1", 0, ports.put_nowait))
    port = await ports.get()
    print(await request("127.0.0.1", port, ["hello", "", "asyncio streams"], timeout=1.0))
    server.cancel()
    try:
        await server
    except asyncio.CancelledError:
        pass


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(demo())
