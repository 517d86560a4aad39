# Correct: handle decodes and encodes text and answers with two writes and one drain(); serve starts each handler
# from a plain callback into a set of tasks, and on the cancel cancels them and waits with
# asyncio.wait before closing the server; request reads each answer in a task of its own and gives up
# with asyncio.wait(..., timeout=...), cancelling that task and raising TimeoutError itself; its timeout bounds the
# connecting too (a timeout of 0 then gives up before any connection).
"""Topic 12: a TCP server and client with asyncio streams."""

import asyncio


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line or not line.endswith(b"\n"):
                break
            text = line.decode().removesuffix("\n")
            writer.write(text[::-1].encode())
            writer.write(b"\n")
            await writer.drain()
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


async def serve(host, port, ready):
    handlers: set[asyncio.Task] = set()
    server = await asyncio.start_server(
        lambda reader, writer: handlers.add(asyncio.create_task(handle(reader, writer))), host, port)
    ready(server.sockets[0].getsockname()[1])
    try:
        await asyncio.Future()
    finally:
        for task in handlers:
            task.cancel()
        if handlers:
            await asyncio.wait(handlers)
        server.close()
        await server.wait_closed()


async def request(host, port, lines, timeout):
    # The timeout bounds the connecting too: a timeout of 0 gives up before there is a connection.
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        answers = []
        for line in lines:
            writer.write(line.encode() + b"\n")
            await writer.drain()
            reading = asyncio.create_task(reader.readline())
            done, _ = await asyncio.wait({reading}, timeout=timeout)
            if not done:
                reading.cancel()
                raise TimeoutError(f"no answer to {line!r} within {timeout} s")
            answers.append(reading.result().decode().removesuffix("\n"))
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
