"""Topic 12, correct: serve with serve_forever, handle with async for over the reader, and a request that puts its timeout on the connecting too (a timeout of 0 then gives up before any connection)."""

import asyncio
import contextlib
import logging

log = logging.getLogger(__name__)


async def handle(reader, writer):
    peer = writer.get_extra_info("peername")
    try:
        async for line in reader:
            if line[-1:] != b"\n":
                log.debug("%s sent a half line", peer)
                break
            writer.write(line.rstrip(b"\n")[::-1] + b"\n")
            await writer.drain()
    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
        log.debug("%s vanished", peer)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def serve(host, port, ready):
    tasks = set()

    def on_client(reader, writer):
        t = asyncio.create_task(handle(reader, writer))
        tasks.add(t)
        t.add_done_callback(tasks.discard)

    server = await asyncio.start_server(on_client, host, port)
    ready(server.sockets[0].getsockname()[1])
    try:
        await server.serve_forever()
    except asyncio.CancelledError:
        server.close()
        pending = list(tasks)
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        raise


async def request(host, port, lines, timeout):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    answers = []
    try:
        for line in lines:
            writer.write(f"{line}\n".encode())
            await writer.drain()
            data = await asyncio.wait_for(reader.readline(), timeout=timeout)
            answers.append(data.decode().rstrip("\n"))
    finally:
        writer.close()
        await writer.wait_closed()
    return answers
