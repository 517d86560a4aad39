"""Talks to the server with a plain blocking socket (`socket.create_connection`, `sendall`,
`makefile().readline()`) inside `async def`: every call freezes the event loop."""
import asyncio
import socket


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
    async with asyncio.TaskGroup() as handlers:
        server = await asyncio.start_server(lambda reader, writer: handlers.create_task(handle(reader, writer)),
                                            host, port)
        try:
            ready(server.sockets[0].getsockname()[1])
            await asyncio.Future()
        finally:
            server.close()


async def request(host, port, lines, timeout):
    with socket.create_connection((host, port), timeout=timeout) as sock:
        answers = []
        stream = sock.makefile("rb")
        for line in lines:
            sock.sendall(line.encode() + b"\n")
            answers.append(stream.readline().decode().removesuffix("\n"))
        return answers
