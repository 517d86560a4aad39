"""Shuts down with `server.close()` and `await server.wait_closed()` alone: close() stops new clients
but leaves the connections already open as they are. On 3.11 wait_closed() returns at once, with the
handlers still running; since 3.12 it waits for those connections to close, which nothing does."""
import asyncio


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line.endswith(b"\n"):
                break
            writer.write(line[:-1][::-1] + b"\n")
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


async def serve(host, port, ready):
    server = await asyncio.start_server(handle, host, port)
    ready(server.sockets[0].getsockname()[1])
    try:
        await asyncio.Future()
    finally:
        server.close()
        await server.wait_closed()


async def request(host, port, lines, timeout):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        answers = []
        for line in lines:
            writer.write(line.encode() + b"\n")
            await writer.drain()
            answer = await asyncio.wait_for(reader.readline(), timeout)
            answers.append(answer.decode().removesuffix("\n"))
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
